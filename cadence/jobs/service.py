"""Job rows: enqueue in the caller's transaction, claim with a lease, finish, retry, bury.

Claiming is one statement: `UPDATE jobs ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED
LIMIT 1) RETURNING ...` on PostgreSQL, so any number of workers take distinct jobs without
waiting on each other. SQLite ignores `FOR UPDATE`; there the write transaction starts with
`BEGIN IMMEDIATE` (see cadence.db), which serialises claimers, so the same statement is safe.
A job whose worker stops renewing its lease is claimed again once `locked_until` passes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from cadence.context import Ctx
from cadence.db import new_id
from cadence.errors import Conflict, NotFound
from cadence.jobs.models import DEAD, DONE, QUEUED, RUNNING, Job
from cadence.jobs.registry import HANDLERS
from cadence.pagination import Page, paginate

# Called after a commit that enqueued work, so an in-process worker wakes at once.
WAKERS: set[Callable[[], None]] = set()


def _wake_all() -> None:
    for wake in list(WAKERS):
        wake()


async def _wake() -> None:
    _wake_all()


async def enqueue(
    ctx: Ctx,
    kind: str,
    payload: dict[str, Any],
    run_at: datetime | None = None,
    key: str | None = None,
    *,
    org_id: str | None = None,
    max_attempts: int | None = None,
) -> str:
    """Write a job in the caller's transaction; returns its id.

    With `key`, a job with that key that already exists (in any state) is kept and no new
    one is written: the id of the existing job is returned.
    """
    spec = HANDLERS.get(kind)
    values = {
        "id": new_id(),
        "kind": kind,
        "payload": payload,
        "key": key,
        "org_id": org_id,
        "status": QUEUED,
        "run_at": run_at or ctx.now(),
        "attempts": 0,
        "max_attempts": max_attempts or (spec.max_attempts if spec else 8),
        "created_at": ctx.now(),
    }
    if key is None:
        ctx.session.add(Job(**values))
        await ctx.session.flush()
    else:
        dialect = ctx.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        written = await ctx.session.scalar(
            insert(Job)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(Job.id)
        )
        if written is None:  # the key was taken: one more statement, only then
            values["id"] = await ctx.session.scalar(select(Job.id).where(Job.key == key))
    if _wake not in ctx.after_commit:
        ctx.on_commit(_wake)
    return str(values["id"])


@dataclass(frozen=True)
class Claimed:
    id: str
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int
    key: str | None
    org_id: str | None


def _due(now: datetime) -> Any:
    return or_(
        and_(Job.status == QUEUED, Job.run_at <= now),
        and_(Job.status == RUNNING, Job.locked_until < now, Job.attempts < Job.max_attempts),
    )


async def any_due(session: AsyncSession, now: datetime) -> bool:
    """A cheap read before taking the write lock (SQLite) for a claim."""
    return (await session.scalar(select(Job.id).where(_due(now)).limit(1))) is not None


async def claim(
    session: AsyncSession, *, worker: str, now: datetime, lease: float
) -> Claimed | None:
    """Take one due job (or one whose lease ran out) for `worker`."""
    pick = (
        select(Job.id)
        .where(_due(now))
        .order_by(Job.run_at, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    row = (
        await session.execute(
            update(Job)
            .where(Job.id == pick)
            .values(
                status=RUNNING,
                locked_by=worker,
                locked_until=now + timedelta(seconds=lease),
                attempts=Job.attempts + 1,
            )
            .returning(
                Job.id, Job.kind, Job.payload, Job.attempts, Job.max_attempts, Job.key, Job.org_id
            )
            .execution_options(synchronize_session=False)
        )
    ).first()
    return Claimed(*row) if row else None


async def bury_expired(session: AsyncSession, *, now: datetime) -> None:
    """Jobs whose last allowed attempt died with its worker become dead."""
    await session.execute(
        update(Job)
        .where(Job.status == RUNNING, Job.locked_until < now, Job.attempts >= Job.max_attempts)
        .values(
            status=DEAD,
            locked_by=None,
            locked_until=None,
            finished_at=now,
            last_error=func.coalesce(Job.last_error, "worker lost (lease expired)"),
        )
        .execution_options(synchronize_session=False)
    )


async def renew(session: AsyncSession, *, job_id: str, worker: str, until: datetime) -> bool:
    result = await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.locked_by == worker, Job.status == RUNNING)
        .values(locked_until=until)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def finish(session: AsyncSession, *, job_id: str, worker: str, now: datetime) -> None:
    await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.locked_by == worker)
        .values(status=DONE, finished_at=now, locked_until=None)
        .execution_options(synchronize_session=False)
    )


def backoff(attempt: int, *, base: float, cap: float) -> float:
    """Exponential backoff with jitter: between half and all of min(cap, base * 2^(n-1))."""
    ceiling = min(cap, base * 2 ** max(0, attempt - 1))
    return float(ceiling * random.uniform(0.5, 1.0))


async def fail(
    session: AsyncSession,
    *,
    job: Claimed,
    worker: str,
    now: datetime,
    error: str,
    retry_in: float,
) -> str:
    """Record a failed attempt: queued again after `retry_in`, or dead after the last one."""
    status = DEAD if job.attempts >= job.max_attempts else QUEUED
    await session.execute(
        update(Job)
        .where(Job.id == job.id, Job.locked_by == worker)
        .values(
            status=status,
            run_at=now + timedelta(seconds=retry_in),
            locked_by=None,
            locked_until=None,
            last_error=error[:4000],
            finished_at=now if status == DEAD else None,
        )
        .execution_options(synchronize_session=False)
    )
    return status


async def release(session: AsyncSession, *, job_id: str, worker: str, now: datetime) -> None:
    """Give a job back unfinished (graceful shutdown): the attempt does not count."""
    await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.locked_by == worker, Job.status == RUNNING)
        .values(
            status=QUEUED, run_at=now, locked_by=None, locked_until=None, attempts=Job.attempts - 1
        )
        .execution_options(synchronize_session=False)
    )


async def dead_jobs(
    ctx: Ctx, *, org_id: str | None, cursor: str | None = None, limit: int = 50
) -> Page[Job]:
    """Dead jobs of one organisation, or of the whole deployment with `org_id=None`."""
    query = select(Job).where(Job.status == DEAD)
    if org_id is not None:
        query = query.where(Job.org_id == org_id)
    return await paginate(ctx.session, query, Job.id, cursor=cursor, limit=limit, desc=True)


async def retry(ctx: Ctx, *, job_id: str, org_id: str | None) -> Job:
    """Queue a dead job again with a fresh set of attempts."""
    job = await ctx.session.get(Job, job_id)
    if job is None or (org_id is not None and job.org_id != org_id):
        raise NotFound("No such job.")
    if job.status != DEAD:
        raise Conflict(f"Only dead jobs can be retried; this one is {job.status}.")
    job.status = QUEUED
    job.attempts = 0
    job.run_at = ctx.now()
    job.finished_at = None
    await ctx.session.flush()
    ctx.on_commit(_wake)
    return job


async def prune_done(ctx: Ctx, *, older_than: timedelta) -> int:
    result = await ctx.session.execute(
        delete(Job).where(Job.status == DONE, Job.finished_at < ctx.now() - older_than)
    )
    return int(getattr(result, "rowcount", 0) or 0)
