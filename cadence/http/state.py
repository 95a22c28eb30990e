"""What a running app holds: settings, engines, clock, rate limiter."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cadence.clock import Clock
from cadence.ratelimit import RateLimiter
from cadence.settings import Settings


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    read_sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    limiter: RateLimiter
