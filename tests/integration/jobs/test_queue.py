"""The job queue on SQLite and PostgreSQL: enqueue, claim, retry, dead, leases, cron."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from cadence.clock import FrozenClock
from cadence.db import create_engine, make_sessionmaker
from cadence.jobs import JobRun, enqueue, handler, periodic
from cadence.jobs import service as jobs
from cadence.jobs.models import Job
from cadence.jobs.registry import PERIODIC
from cadence.jobs.worker import Worker
from cadence.settings import Settings
from tests.integration.conftest import utc
from tests.integration.jobs.helpers import unit_of_work

SEEN: list[str] = []
FAILURES: dict[str, int] = {}


@handler("test.record")
async def record(run: JobRun) -> None:
    SEEN.append(run.payload["n"])


@handler("test.flaky", max_attempts=3)
async def flaky(run: JobRun) -> None:
    left = FAILURES.get(run.payload["n"], 0)
    if left:
        FAILURES[run.payload["n"]] = left - 1
        raise RuntimeError("not yet")
    SEEN.append(run.payload["n"])


@handler("test.slow")
async def slow(run: JobRun) -> None:
    await asyncio.sleep(30)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(env="test", database_url=database_url, job_lease_seconds=60)


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    SEEN.clear()
    FAILURES.clear()
    eng = create_engine(settings.database_url)
    yield eng
    await eng.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(utc(2026, 3, 1, 12, 0))


def worker(engine: AsyncEngine, settings: Settings, clock: FrozenClock, **kw: object) -> Worker:
    return Worker(engine, settings, clock, schedule_periodic=False, **kw)  # type: ignore[arg-type]


async def status_of(engine: AsyncEngine, job_id: str) -> Job:
    async with make_sessionmaker(engine)() as session:
        job = await session.get(Job, job_id)
        assert job is not None
        return job


async def test_jobs_run_once_when_due_and_keys_deduplicate(
    engine: AsyncEngine, settings: Settings, clock: FrozenClock
) -> None:
    async with unit_of_work(engine, settings, clock) as ctx:
        a = await enqueue(ctx, "test.record", {"n": "a"}, key="only-once")
        again = await enqueue(ctx, "test.record", {"n": "dup"}, key="only-once")
        await enqueue(ctx, "test.record", {"n": "later"}, run_at=clock.now() + timedelta(hours=1))
    assert again == a
    w = worker(engine, settings, clock)
    assert await w.run_until_idle() == 1
    assert SEEN == ["a"]
    assert (await status_of(engine, a)).status == "done"
    clock.advance(timedelta(hours=1))
    assert await w.run_until_idle() == 1
    assert SEEN == ["a", "later"]


async def test_a_rolled_back_transaction_enqueues_nothing(
    engine: AsyncEngine, settings: Settings, clock: FrozenClock
) -> None:
    async with make_sessionmaker(engine)() as session:
        from cadence.context import Ctx

        ctx = Ctx(session=session, settings=settings, clock=clock)
        await enqueue(ctx, "test.record", {"n": "ghost"})
        await session.rollback()
    assert await worker(engine, settings, clock).run_until_idle() == 0


async def test_failures_back_off_then_die_and_can_be_retried(
    engine: AsyncEngine, settings: Settings, clock: FrozenClock
) -> None:
    FAILURES["x"] = 5
    async with unit_of_work(engine, settings, clock) as ctx:
        job_id = await enqueue(ctx, "test.flaky", {"n": "x"})
    w = worker(engine, settings, clock, backoff_base=10)
    await w.run_until_idle()
    job = await status_of(engine, job_id)
    assert (job.status, job.attempts) == ("queued", 1)
    assert timedelta(seconds=5) <= job.run_at - clock.now() <= timedelta(seconds=10)
    assert job.last_error == "RuntimeError: not yet"
    assert await w.run_until_idle() == 0  # not due yet
    for _ in range(2):
        clock.advance(timedelta(minutes=5))
        await w.run_until_idle()
    job = await status_of(engine, job_id)
    assert (job.status, job.attempts) == ("dead", 3)

    async with unit_of_work(engine, settings, clock) as ctx:
        dead = await jobs.dead_jobs(ctx, org_id=None)
        assert [j.id for j in dead.items] == [job_id]
        await jobs.retry(ctx, job_id=job_id, org_id=None)
    FAILURES["x"] = 0
    await w.run_until_idle()
    assert SEEN == ["x"]
    assert (await status_of(engine, job_id)).status == "done"


async def test_a_lost_lease_is_claimed_again(
    engine: AsyncEngine, settings: Settings, clock: FrozenClock
) -> None:
    async with unit_of_work(engine, settings, clock) as ctx:
        job_id = await enqueue(ctx, "test.record", {"n": "orphan"})
    async with make_sessionmaker(engine)() as session, session.begin():
        taken = await jobs.claim(session, worker="dead-worker", now=clock.now(), lease=60)
    assert taken is not None and taken.id == job_id
    w = worker(engine, settings, clock)
    assert await w.run_until_idle() == 0  # leased to the dead worker
    clock.advance(timedelta(seconds=61))
    assert await w.run_until_idle() == 1
    assert SEEN == ["orphan"]
    assert (await status_of(engine, job_id)).attempts == 2


async def test_concurrent_claimers_take_distinct_jobs(
    engine: AsyncEngine, settings: Settings, clock: FrozenClock
) -> None:
    async with unit_of_work(engine, settings, clock) as ctx:
        for i in range(40):
            await enqueue(ctx, "test.record", {"n": str(i)})
    workers = [worker(engine, settings, clock) for _ in range(4)]
    counts = await asyncio.gather(*(w.run_until_idle() for w in workers))
    assert sum(counts) == 40
    assert sorted(SEEN, key=int) == [str(i) for i in range(40)]


async def test_graceful_stop_releases_the_running_job(
    engine: AsyncEngine, settings: Settings, clock: FrozenClock
) -> None:
    async with unit_of_work(engine, settings, clock) as ctx:
        job_id = await enqueue(ctx, "test.slow", {})
    w = worker(engine, settings, clock, grace=0.1, poll_interval=0.05)
    task = asyncio.create_task(w.run())
    for _ in range(100):
        await asyncio.sleep(0.02)
        if (await status_of(engine, job_id)).status == "running":
            break
    w.stop()
    await asyncio.wait_for(task, 5)
    job = await status_of(engine, job_id)
    assert (job.status, job.attempts, job.locked_by) == ("queued", 0, None)


async def test_periodic_jobs_are_scheduled_once_per_occurrence(
    engine: AsyncEngine, settings: Settings, clock: FrozenClock
) -> None:
    periodic("test.every-5", "*/5 * * * *", "test.record", {"n": "tick"})
    try:
        w1 = Worker(engine, settings, clock)
        w2 = Worker(engine, settings, clock)
        await w1._schedule_periodic()
        await w2._schedule_periodic()
        async with make_sessionmaker(engine)() as session:
            rows = (await session.scalars(select(Job).where(Job.kind == "test.record"))).all()
        assert [r.run_at for r in rows] == [utc(2026, 3, 1, 12, 5)]
        clock.advance(timedelta(minutes=5))
        await w1.run_until_idle()
        assert SEEN == ["tick"]
    finally:
        PERIODIC.pop("test.every-5")
