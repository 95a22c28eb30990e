"""Crash test: two `cadence worker` processes on PostgreSQL, one SIGKILLed mid-way.

Every email must arrive; the contract allows the dying worker to re-send at most the one
email it was sending, so duplicates (same Message-ID) are at most the number of kills.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cadence.clock import SystemClock
from cadence.db import create_engine, make_sessionmaker
from cadence.notify.models import OutboxEmail
from cadence.notify.outbox import queue_email
from cadence.settings import Settings
from tests.conftest import _truncate_all
from tests.integration.jobs.helpers import unit_of_work
from tests.integration.notify.smtp_sink import smtp_sink

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

EMAILS = 500
CADENCE = str(Path(sys.executable).parent / "cadence")


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([CADENCE, "worker"], env=env, stdout=out, stderr=subprocess.STDOUT)


async def enqueue_emails(settings: Settings) -> list[str]:
    engine = create_engine(settings.database_url)
    try:
        async with unit_of_work(engine, settings, SystemClock()) as ctx:
            rows = [
                await queue_email(ctx, to=f"fan{i}@x.example", subject=f"#{i}", text="hi", kind="t")
                for i in range(EMAILS)
            ]
        return [r.message_id for r in rows]
    finally:
        await engine.dispose()


async def count_sent(url: str) -> int:
    engine = create_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            query = select(func.count()).where(OutboxEmail.status == "sent")
            return int(await session.scalar(query) or 0)
    finally:
        await engine.dispose()


def wait_for(condition: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


def test_a_killed_worker_loses_nothing(postgres_database: str, tmp_path: Path) -> None:
    asyncio.run(_truncate_all(postgres_database))
    with smtp_sink() as (sink, port):
        settings = Settings(
            env="test", database_url=postgres_database, smtp_url=f"smtp://127.0.0.1:{port}"
        )
        expected = asyncio.run(enqueue_emails(settings))
        env = {
            **os.environ,
            "CADENCE_ENV": "test",
            "CADENCE_DATABASE_URL": postgres_database,
            "CADENCE_SMTP_URL": settings.smtp_url or "",
            "CADENCE_JOB_LEASE_SECONDS": "3",
            "CADENCE_LOG_LEVEL": "WARNING",
        }
        log = tmp_path / "workers.log"
        workers = [start_worker(env, log), start_worker(env, log)]
        started = time.monotonic()
        try:
            wait_for(lambda: len(sink.ids) >= EMAILS // 3, 60)
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait()
            killed_at = len(sink.ids)
            workers[0] = start_worker(env, log)
            wait_for(lambda: len(set(sink.ids)) >= EMAILS, 90)
            elapsed = time.monotonic() - started
        finally:
            for proc in workers:
                proc.send_signal(signal.SIGTERM)
            for proc in workers:
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        assert all(p.returncode == 0 for p in workers), log.read_text()[-3000:]

    received = Counter(sink.message_ids)
    assert set(received) == set(expected)
    duplicates = sum(n - 1 for n in received.values())
    assert duplicates <= 1, received.most_common(3)
    assert asyncio.run(count_sent(postgres_database)) == EMAILS
    print(
        f"\n{EMAILS} emails, 2 workers, 1 SIGKILL at {killed_at}: {elapsed:.1f}s, "
        f"{duplicates} duplicate(s)"
    )
