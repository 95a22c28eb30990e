"""Event listing and event page under N concurrent readers.

    .venv/bin/python -m bench.booking.readers [--readers 500] [--rounds 4] [--events 30]
        [--processes 2] [--db postgres|sqlite] [--revalidate]

Each reader (anonymous, like a visitor from a search engine) loads the listing `/events`
and then an event page `/events/{id}`, `rounds` times, one request after the other; all
readers start together. With `--revalidate` a reader sends back the ETag it was given, as
a browser does on a reload. Reported per page: p50/p99 latency, answers by status,
throughput, and the servers' CPU time per request (the figure a loaded machine distorts
least). Figures go to docs/benchmarks_booking.md.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter

import httpx

from bench.booking.common import (
    client,
    cpu_seconds,
    database,
    load_average,
    organiser,
    percentile,
    servers,
)


async def readers(bases: list[str], args: argparse.Namespace) -> None:
    per = args.readers // len(bases) + 20
    clients = [client(b, per) for b in bases]
    try:
        owner, org = await organiser(clients[0])
        events = []
        for i in range(args.events):
            r = await clients[0].post(
                f"/api/v1/orgs/{org}/events",
                json={
                    "name": f"Concert {i}",
                    "starts_at": f"2027-{1 + i % 12:02d}-{1 + i % 28:02d}T19:00:00Z",
                    "ends_at": f"2027-{1 + i % 12:02d}-{1 + i % 28:02d}T22:00:00Z",
                    "capacity": 100 + i,
                    "category": ("music", "theatre", "talk")[i % 3],
                    "venue": f"Hall {i % 4}",
                    "description": "An evening of music. " * 10,
                },
                headers=owner,
            )
            r.raise_for_status()
            events.append(r.json()["id"])
        samples: dict[str, list[float]] = {"listing": [], "event": []}
        codes: Counter[tuple[str, int]] = Counter()
        go = asyncio.Event()

        async def reader(i: int) -> None:
            c = clients[i % len(clients)]
            tags: dict[str, str] = {}
            await go.wait()
            for round_ in range(args.rounds):
                for kind, path in (
                    ("listing", "/events"),
                    ("event", f"/events/{events[(i + round_) % len(events)]}"),
                ):
                    headers = {"If-None-Match": tags[path]} if path in tags else {}
                    started = time.perf_counter()
                    try:
                        r = await c.get(path, headers=headers)
                        status = r.status_code
                    except httpx.HTTPError as exc:
                        print(f"client error: {exc!r}", file=sys.stderr)
                        status = 0
                    samples[kind].append((time.perf_counter() - started) * 1000)
                    codes[(kind, status)] += 1
                    if args.revalidate and status == 200 and "etag" in r.headers:
                        tags[path] = r.headers["etag"]

        tasks = [asyncio.create_task(reader(i)) for i in range(args.readers)]
        await asyncio.sleep(0.5)
        cpu = cpu_seconds(bases)
        began = time.perf_counter()
        go.set()
        await asyncio.gather(*tasks)
        wall = time.perf_counter() - began
        cpu = cpu_seconds(bases) - cpu
    finally:
        for c in clients:
            await c.aclose()
    total = sum(codes.values())
    print(f"database        {args.db}, {len(bases)} web process(es), {args.events} events")
    print(
        f"readers         {args.readers} x {args.rounds} rounds (listing + event page)"
        f"{', revalidating' if args.revalidate else ''}"
    )
    for kind, values in samples.items():
        print(
            f"{kind:<15} p50 {percentile(values, 50):.0f} ms, p99 {percentile(values, 99):.0f} ms"
            f", answers {dict(sorted((s, n) for (k, s), n in codes.items() if k == kind))}"
        )
    print(f"throughput      {total / wall:.0f} requests/s over {wall:.1f} s")
    print(f"server CPU      {cpu:.1f} s, {cpu / total * 1000:.1f} ms per request")
    print(f"load average    {load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--readers", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--events", type=int, default=30)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--revalidate", action="store_true")
    args = parser.parse_args()
    with database(args.db, "cadence_bench_readers") as url, servers(url, args.processes) as bases:
        asyncio.run(readers(bases, args))


if __name__ == "__main__":
    main()
