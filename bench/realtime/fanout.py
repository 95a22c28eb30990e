"""Fan-out latency: 1,000 WebSocket clients, one domain event, p50/p99 delivery latency.

    .venv/bin/python -m bench.realtime.fanout [--clients 1000] [--rounds 10] [--redis URL]
        [--one-process-only]

Scenario 1: one web process (uvicorn, PostgreSQL, no Redis), every client connected to it.
Scenario 2: two web processes on the same database with Redis; half the clients on each, the
event caused through process A, so B's clients receive it through Redis pub/sub.

The script makes its own PostgreSQL database (`cadence_bench_rt_<pid>` on the server of
`CADENCE_BENCH_POSTGRES_URL`) and starts its own servers. One round is one booking (a
`booking.confirmed` event for the organisation); latency is, per client, the moment the
message arrived minus the event's `at` (stamped by the server inside the booking's
transaction, before its commit), so it covers commit, hub, Redis, WebSocket and the client's
own reading. Clients and servers share the machine: the figures are upper bounds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from websockets.asyncio.client import ClientConnection, connect

import cadence.models  # noqa: F401 - every table, for create_all
from bench.pg import load_average, scratch_database
from cadence.db import Base
from tests.live import web_processes

PASSWORD = "correct horse battery"  # noqa: S105 - a benchmark account


@contextmanager
def servers(count: int, *, database_url: str, env: dict[str, str]) -> Iterator[list[str]]:
    """`count` uvicorn processes of Cadence on one database (no worker, schema made)."""
    tmp = Path(tempfile.mkdtemp(prefix="cadence-fanout-"))
    quiet = {"CADENCE_RUN_MIGRATIONS_ON_START": "false", "CADENCE_RUN_WORKER": "false"}
    with web_processes(
        tmp,
        count,
        database_url=database_url,
        extra_env={**quiet, **env},
        migrate=False,
        timeout=180,
    ) as bases:
        yield bases


async def _setup(base: str) -> tuple[str, str, str]:
    """An organiser with an organisation and a large free event; (token, org, event)."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        email = f"bench{os.getpid()}@fanout.example"
        r = await http.post(
            "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": "Bench"}
        )
        r.raise_for_status()
        r = await http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        token = r.json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        r = await http.post(
            "/api/v1/orgs", json={"name": "Fan-out", "timezone": "UTC"}, headers=auth
        )
        org = r.json()["id"]
        r = await http.post(
            f"/api/v1/orgs/{org}/events",
            json={
                "name": "Fan-out night",
                "starts_at": "2030-01-01T19:00:00Z",
                "ends_at": "2030-01-01T22:00:00Z",
                "capacity": 100000,
            },
            headers=auth,
        )
        r.raise_for_status()
        return token, org, r.json()["id"]


async def _connect_all(urls: list[str], token: str) -> list[ClientConnection]:
    """Open the connections 50 at a time (a burst of 1,000 handshakes only measures that)."""
    conns: list[ClientConnection] = []
    for start in range(0, len(urls), 50):
        batch = urls[start : start + 50]
        conns += await asyncio.gather(
            *(connect(f"{u}/api/v1/ws?token={token}", max_queue=64) for u in batch)
        )
    return conns


async def _receive_one(ws: ClientConnection) -> tuple[float, datetime]:
    raw = await asyncio.wait_for(ws.recv(), 30)
    arrived = time.time()
    message = json.loads(raw)
    return arrived, datetime.fromisoformat(message["at"])


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def scenario(
    label: str, bases: list[str], clients: int, rounds: int
) -> dict[str, list[float]]:
    token, _org, event = await _setup(bases[0])
    ws_bases = [b.replace("http://", "ws://") for b in bases]
    urls = [ws_bases[i % len(ws_bases)] for i in range(clients)]
    conns = await _connect_all(urls, token)
    await asyncio.sleep(2)  # let the handshakes settle
    latencies: dict[str, list[float]] = {
        "all": [],
        "p50": [],
        "p99": [],
        "first": [],
        "spread": [],
        "remote": [],
    }
    auth = {"Authorization": f"Bearer {token}"}
    try:
        async with httpx.AsyncClient(base_url=bases[0], timeout=60) as http:
            for _ in range(rounds):
                waiting = [asyncio.create_task(_receive_one(ws)) for ws in conns]
                r = await http.post(
                    f"/api/v1/events/{event}/bookings", json={"quantity": 1}, headers=auth
                )
                r.raise_for_status()
                got = await asyncio.gather(*waiting)
                ms = [(arrived - at.timestamp()) * 1000 for arrived, at in got]
                latencies["all"] += ms
                latencies["p50"].append(_pct(ms, 50))
                latencies["p99"].append(_pct(ms, 99))
                latencies["first"].append(min(ms))
                latencies["spread"].append(max(ms) - min(ms))
                if len(bases) > 1:
                    latencies["remote"] += [m for i, m in enumerate(ms) if urls[i] != ws_bases[0]]
                await asyncio.sleep(0.5)
    finally:
        await asyncio.gather(*(ws.close() for ws in conns), return_exceptions=True)
    every = latencies["all"]
    line = (
        f"{label}: {clients} clients x {rounds} events: p50 {_pct(every, 50):.1f} ms, "
        f"p99 {_pct(every, 99):.1f} ms, max {max(every):.1f} ms "
        f"(per event: median p50 {statistics.median(latencies['p50']):.1f} ms, "
        f"median p99 {statistics.median(latencies['p99']):.1f} ms; first client "
        f"{statistics.median(latencies['first']):.1f} ms, first-to-last "
        f"{statistics.median(latencies['spread']):.1f} ms)"
    )
    if latencies["remote"]:
        remote = latencies["remote"]
        line += (
            f"; clients on process B (through Redis): p50 {_pct(remote, 50):.1f} ms, "
            f"p99 {_pct(remote, 99):.1f} ms"
        )
    print(f"{line}; load {load_average()}", flush=True)
    return latencies


async def _truncate(url: str) -> None:
    engine = create_async_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


def main(clients: int, rounds: int, redis_url: str, two: bool) -> None:
    name = f"cadence_bench_rt_{os.getpid()}"
    with scratch_database(name, schema="tables") as url:
        print(f"load before: {load_average()}", flush=True)
        with servers(1, database_url=url, env={}) as bases:
            asyncio.run(scenario("one process", bases, clients, rounds))
        if not two:
            return
        asyncio.run(_truncate(url))
        env = {"CADENCE_REDIS_URL": redis_url, "CADENCE_REDIS_PREFIX": f"bench:{name}"}
        with servers(2, database_url=url, env=env) as bases:
            asyncio.run(scenario("two processes + Redis", bases, clients, rounds))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--one-process-only", action="store_true")
    args = parser.parse_args()
    main(args.clients, args.rounds, args.redis, not args.one_process_only)
