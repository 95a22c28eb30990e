"""Job kinds and their handlers, periodic schedules, and what a handler receives.

A handler is `async def fn(run: JobRun) -> None`. It opens its own short transactions with
`run.unit_of_work()`, so it can talk to SMTP or an HTTP endpoint with no transaction open
in between. `run.unit_of_work(complete=True)` also marks the job done in that transaction,
so "record the effect" and "the job is finished" commit together. A handler that raises is
retried with exponential backoff and jitter until `max_attempts`, then the job is dead.

Handlers must be idempotent: a job whose worker died is run again after its lease.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cadence.clock import Clock
from cadence.context import Ctx
from cadence.jobs.cron import Cron
from cadence.jobs.models import DONE, Job
from cadence.settings import Settings

HandlerFn = Callable[["JobRun"], Awaitable[None]]


@dataclass(frozen=True)
class HandlerSpec:
    kind: str
    fn: HandlerFn
    max_attempts: int = 8
    backoff_base: float = 5.0
    backoff_cap: float = 3600.0


@dataclass(frozen=True)
class Periodic:
    name: str
    cron: Cron
    kind: str
    payload: dict[str, Any]


HANDLERS: dict[str, HandlerSpec] = {}
PERIODIC: dict[str, Periodic] = {}


def handler(
    kind: str, *, max_attempts: int = 8, backoff_base: float = 5.0, backoff_cap: float = 3600.0
) -> Callable[[HandlerFn], HandlerFn]:
    """Register `fn` as the handler of jobs of `kind` (decorator)."""

    def register(fn: HandlerFn) -> HandlerFn:
        HANDLERS[kind] = HandlerSpec(kind, fn, max_attempts, backoff_base, backoff_cap)
        return fn

    return register


def periodic(name: str, cron: str, kind: str, payload: dict[str, Any] | None = None) -> None:
    """Run a job of `kind` on a cron schedule (UTC); each occurrence runs once per deployment."""
    PERIODIC[name] = Periodic(name, Cron.parse(cron), kind, payload or {})


def load_all() -> None:
    """Import every `cadence.<module>.jobs` so that their handlers are registered."""
    import cadence

    importlib.import_module("cadence.models")  # every table, for foreign keys across modules
    importlib.import_module("cadence.jobs.maintenance")
    for info in pkgutil.iter_modules(cadence.__path__):
        if not info.ispkg or info.name == "jobs":
            continue
        name = f"cadence.{info.name}.jobs"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


@dataclass
class JobRun:
    """One attempt at one job, as a handler sees it."""

    id: str
    kind: str
    payload: dict[str, Any]
    attempt: int
    max_attempts: int
    key: str | None
    org_id: str | None
    worker: str
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    clock: Clock
    completed: bool = field(default=False)

    @property
    def is_last_attempt(self) -> bool:
        return self.attempt >= self.max_attempts

    async def still_mine(self, ctx: Ctx) -> bool:
        """Whether this worker still holds the job (its lease was not taken over).

        Check it right before an effect that cannot be undone (sending an email), to keep
        the window in which two workers might both deliver as small as possible.
        """
        holder = await ctx.session.scalar(select(Job.locked_by).where(Job.id == self.id))
        return holder == self.worker

    @asynccontextmanager
    async def unit_of_work(self, *, complete: bool = False) -> AsyncIterator[Ctx]:
        """One transaction, built like a request's; after-commit actions run after it."""
        async with self.sessions() as session:
            ctx = Ctx(session=session, settings=self.settings, clock=self.clock)
            try:
                yield ctx
                if complete:
                    await session.execute(
                        update(Job)
                        .where(Job.id == self.id, Job.locked_by == self.worker)
                        .values(status=DONE, finished_at=ctx.now(), locked_until=None)
                    )
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
            if complete:
                self.completed = True
            await ctx.run_after_commit()
