"""The unit-of-work context handed to every service call.

Built the same way for a request, a background job and a CLI command, so a job never runs
differently from a request: one session (one transaction), the settings, the clock, who is
acting and the request id that ties log lines and audit rows together.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cadence.clock import Clock
from cadence.errors import CadenceError
from cadence.settings import Settings

log = logging.getLogger("cadence.context")


@dataclass
class Ctx:
    session: AsyncSession
    settings: Settings
    clock: Clock
    actor_id: str | None = None
    request_id: str | None = None
    after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    # The address this request came in on, when CADENCE_BASE_URL was not set explicitly.
    base_url: str | None = None

    def public_url(self) -> str:
        """Where people reach this deployment: CADENCE_BASE_URL, else the request's own URL."""
        return (self.base_url or self.settings.base_url).rstrip("/")

    def now(self) -> datetime:
        return self.clock.now()

    def on_commit(self, action: Callable[[], Awaitable[None]]) -> None:
        """Run `action` once this unit of work has committed (never if it rolls back).

        For side effects that must not leave before the data they describe is durable:
        waking a worker, fanning out a live update. Anything that must not be lost goes
        through an outbox row instead; these actions are best effort.
        """
        self.after_commit.append(action)

    async def run_after_commit(self) -> None:
        actions, self.after_commit = self.after_commit, []
        for action in actions:
            try:
                await action()
            except Exception:
                log.exception("after-commit action failed")


@asynccontextmanager
async def unit_of_work(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: Clock,
    *,
    actor_id: str | None = None,
    request_id: str | None = None,
) -> AsyncIterator[Ctx]:
    """One transaction: commit when the block ends, then run the after-commit actions.

    The same for a request, a job and a CLI command. A domain error rolls back, unless it
    says its changes must stand (`keeps_changes`), as a detected token replay does.
    """
    async with sessions() as session:
        ctx = Ctx(
            session=session,
            settings=settings,
            clock=clock,
            actor_id=actor_id,
            request_id=request_id,
        )
        try:
            yield ctx
        except CadenceError as exc:
            if not exc.keeps_changes:
                await session.rollback()
                raise
            await session.commit()
            await ctx.run_after_commit()
            raise
        except BaseException:
            await session.rollback()
            raise
        await session.commit()
        await ctx.run_after_commit()
