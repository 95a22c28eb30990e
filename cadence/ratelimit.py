"""Rate limits on sensitive actions (login failures, password resets).

Backed by the `limits` library: in memory for one process, Redis when `CADENCE_REDIS_URL` is
set so that every web process shares the same counters.
"""

from __future__ import annotations

import math
import time

import redis.asyncio as aioredis
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from cadence.errors import RateLimited


class RateLimiter:
    def __init__(self, redis_url: str | None = None) -> None:
        storage: Storage
        self._pool: aioredis.ConnectionPool | None = None
        if redis_url:
            # Our own pool, so that shutdown can close its connections.
            self._pool = aioredis.ConnectionPool.from_url(redis_url)
            storage = RedisStorage(
                "async+" + redis_url,
                implementation="redispy",
                key_prefix="cadence-limits",
                connection_pool=self._pool,  # type: ignore[arg-type]
            )
        else:
            storage = MemoryStorage()
        self._storage = storage
        self._limiter = MovingWindowRateLimiter(storage)

    @staticmethod
    def rule(text: str) -> RateLimitItem:
        """A limit such as "10/15 minutes"."""
        return parse(text.replace("/", " per ", 1))

    async def ensure_allowed(self, rule: RateLimitItem, key: str, detail: str) -> None:
        """Raise `RateLimited` (with Retry-After) when the key has used up its allowance."""
        if await self._limiter.test(rule, key):
            return
        stats = await self._limiter.get_window_stats(rule, key)
        raise RateLimited(detail, retry_after=math.ceil(stats.reset_time - time.time()))

    async def record(self, rule: RateLimitItem, key: str) -> None:
        await self._limiter.hit(rule, key)

    async def take(self, rule: RateLimitItem, key: str, detail: str) -> None:
        """Count one use and refuse when over the limit."""
        if not await self._limiter.hit(rule, key):
            stats = await self._limiter.get_window_stats(rule, key)
            raise RateLimited(detail, retry_after=math.ceil(stats.reset_time - time.time()))

    async def reset(self) -> None:
        await self._storage.reset()

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
