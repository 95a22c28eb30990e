"""Booking rush: N concurrent clients against S seats through P web processes.

    .venv/bin/python -m bench.booking.rush [--clients 2000] [--seats 500] [--people 100]
        [--processes 2] [--db postgres|sqlite]

Every client sends one booking request (quantity 1-4, seeded) at the same moment, spread
over the processes. Reported: confirmed seats (checked against the database), answers by
status (5xx must be 0; a connection the client saw dropped is counted apart, as status 0),
throughput over the rush, p50/p99 latency, and the servers' CPU per request (read from
/proc; the figure a busy shared machine distorts least). Figures go to
docs/benchmarks_booking.md; what one request costs in SQL statements is pinned by
tests/integration/booking/test_statement_counts.py.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import Counter

import httpx
from sqlalchemy import text

from bench.booking.common import (
    client,
    cpu_seconds,
    database,
    load_average,
    organiser,
    people,
    percentile,
    servers,
)
from cadence.db import create_engine


async def _sold_in_database(url: str, event_id: str) -> tuple[int, int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            booked = await conn.scalar(
                text(
                    "SELECT coalesce(sum(quantity), 0) FROM bookings "
                    "WHERE event_id = :e AND status = 'confirmed'"
                ),
                {"e": event_id},
            )
            taken = await conn.scalar(
                text("SELECT taken FROM capacity_pools WHERE event_id = :e AND kind = 'seats'"),
                {"e": event_id},
            )
            return int(booked or 0), int(taken or 0)
    finally:
        await engine.dispose()


async def rush(bases: list[str], url: str, args: argparse.Namespace) -> None:
    per = args.clients // len(bases) + 50
    clients = [client(b, per) for b in bases]
    try:
        owner, org = await organiser(clients[0])
        fans = await people(clients, args.people, "fan")
        r = await clients[0].post(
            f"/api/v1/orgs/{org}/events",
            json={
                "name": "Rush",
                "starts_at": "2027-06-01T19:00:00Z",
                "ends_at": "2027-06-01T22:00:00Z",
                "capacity": args.seats,
            },
            headers=owner,
        )
        r.raise_for_status()
        event = r.json()["id"]
        rnd = random.Random(6)
        asks = [rnd.randint(1, 4) for _ in range(args.clients)]
        go = asyncio.Event()

        async def one(i: int) -> tuple[int, float, int]:
            await go.wait()
            started = time.perf_counter()
            try:
                answer = await clients[i % len(clients)].post(
                    f"/api/v1/events/{event}/bookings",
                    json={"quantity": asks[i]},
                    headers=fans[i % len(fans)],
                )
                status = answer.status_code
            except httpx.HTTPError as exc:  # a refused or dropped connection is a failure
                print(f"client error: {exc!r}", file=sys.stderr)
                status = 0
            return status, time.perf_counter() - started, asks[i]

        tasks = [asyncio.create_task(one(i)) for i in range(args.clients)]
        await asyncio.sleep(0.5)  # every task is waiting at the gate
        cpu = cpu_seconds(bases)
        began = time.perf_counter()
        go.set()
        results = await asyncio.gather(*tasks)
        wall = time.perf_counter() - began
        cpu = cpu_seconds(bases) - cpu
    finally:
        for c in clients:
            await c.aclose()
    codes = Counter(status for status, _, _ in results)
    answered = sum(q for status, _, q in results if status == 201)
    booked, taken = await _sold_in_database(url, event)
    latencies = [seconds * 1000 for _, seconds, _ in results]
    print(f"database        {args.db}, {len(bases)} web process(es)")
    print(f"clients         {args.clients} (from {args.people} people), seats {args.seats}")
    print(f"answers         {dict(sorted(codes.items()))}")
    print(f"5xx             {sum(n for s, n in codes.items() if s >= 500)}")
    print(f"client errors   {codes.get(0, 0)} (connections dropped before an answer; status 0)")
    print(f"confirmed seats {answered} answered 201, {booked} in bookings, pool taken {taken}")
    print(f"wall            {wall:.2f} s, throughput {args.clients / wall:.0f} requests/s")
    print(
        f"latency         p50 {percentile(latencies, 50):.0f} ms, "
        f"p99 {percentile(latencies, 99):.0f} ms, max {max(latencies):.0f} ms"
    )
    print(f"server CPU      {cpu:.1f} s, {cpu / args.clients * 1000:.1f} ms per request")
    print(f"load average    {load_average()}")
    assert answered == booked == taken <= args.seats, "oversold or lost"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--seats", type=int, default=500)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    args = parser.parse_args()
    with database(args.db, "cadence_bench_rush") as url, servers(url, args.processes) as bases:
        asyncio.run(rush(bases, url, args))


if __name__ == "__main__":
    main()
