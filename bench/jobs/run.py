"""Job throughput on PostgreSQL with 1, 2 and 4 worker processes (no-op jobs, jobs/s).

    .venv/bin/python -m bench.jobs.run [--jobs N] [--workers 1,2,4] [--repeats R]

Makes its own database (`cadence_bench_jobs_<pid>` on the server of
`CADENCE_BENCH_POSTGRES_URL`, default the local test server) with the models' tables, and for each
worker count: starts that many worker processes (this file with `--worker`, each one loop of
`cadence.jobs.worker.Worker` with a no-op handler), waits until all are polling, commits N
jobs in one transaction and measures from that commit to the last `finished_at`. Each job
costs what a real one costs in the queue: a claim transaction (`UPDATE ... SKIP LOCKED`) and
a finish transaction. The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import create_async_engine

import cadence.models  # noqa: F401 - every table, for create_all
from bench.pg import load_average, scratch_database
from cadence.clock import SystemClock
from cadence.db import create_engine, new_id
from cadence.jobs import JobRun, handler
from cadence.jobs.models import DONE, QUEUED, Job
from cadence.jobs.worker import Worker
from cadence.settings import Settings

KIND = "bench.noop"


@handler(KIND, max_attempts=3)
async def noop(run: JobRun) -> None:
    """Does nothing: the figure is the queue's own cost per job."""


async def worker_main(url: str) -> None:
    """One worker process: one claim loop, polling every 20 ms when idle."""
    settings = Settings(env="test", database_url=url, log_level="WARNING")
    engine = create_engine(url, pool_size=3)
    worker = Worker(engine, settings, SystemClock(), poll_interval=0.02, schedule_periodic=False)
    task = asyncio.create_task(worker.run())
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # stop when the driver closes stdin
    worker.stop()
    await task
    await engine.dispose()


def _start_workers(url: str, count: int) -> list[subprocess.Popen[bytes]]:
    """`count` worker processes, returned once each one polls the queue."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.jobs.run", "--worker", url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        for _ in range(count)
    ]
    for proc in procs:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"ready"
    return procs


async def one_run(url: str, workers: int, jobs: int) -> float:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("TRUNCATE jobs"))
    procs = _start_workers(url, workers)
    try:
        await asyncio.sleep(0.5)
        now = datetime.now(UTC)
        rows = [
            {
                "id": new_id(),
                "kind": KIND,
                "payload": {},
                "status": QUEUED,
                "run_at": now,
                "attempts": 0,
                "max_attempts": 3,
                "created_at": now,
            }
            for _ in range(jobs)
        ]
        async with engine.begin() as conn:
            await conn.execute(insert(Job), rows)
        committed = datetime.now(UTC)
        while True:
            async with engine.connect() as conn:
                done = await conn.scalar(select(func.count()).where(Job.status == DONE))
            if done == jobs:
                break
            await asyncio.sleep(0.2)
        async with engine.connect() as conn:
            last: datetime | None = await conn.scalar(select(func.max(Job.finished_at)))
        assert last is not None
        return jobs / (last - committed).total_seconds()
    finally:
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.close()
        for proc in procs:
            proc.wait(timeout=60)
        await engine.dispose()


async def main(url: str, jobs: int, counts: list[int], repeats: int) -> None:
    print(f"{jobs} no-op jobs per run, {repeats} runs per worker count; load {load_average()}")
    for count in counts:
        rates = [await one_run(url, count, jobs) for _ in range(repeats)]
        print(
            f"workers={count}: median {statistics.median(rates):.0f} jobs/s "
            f"(runs: {', '.join(f'{r:.0f}' for r in rates)}); load {load_average()}",
            flush=True,
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.worker:
        asyncio.run(worker_main(args.worker))
    else:
        started = time.monotonic()
        counts = [int(c) for c in args.workers.split(",")]
        with scratch_database(f"cadence_bench_jobs_{os.getpid()}", schema="tables") as url:
            asyncio.run(main(url, args.jobs, counts, args.repeats))
        print(f"total {time.monotonic() - started:.0f} s")
