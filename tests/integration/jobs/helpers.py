"""Running units of work and workers directly against a test database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine

from cadence.clock import Clock
from cadence.context import Ctx
from cadence.db import make_sessionmaker
from cadence.settings import Settings


@asynccontextmanager
async def unit_of_work(engine: AsyncEngine, settings: Settings, clock: Clock) -> AsyncIterator[Ctx]:
    """One transaction, committed at the end, then its after-commit actions, like a request."""
    async with make_sessionmaker(engine)() as session:
        ctx = Ctx(session=session, settings=settings, clock=clock)
        yield ctx
        await session.commit()
        await ctx.run_after_commit()
