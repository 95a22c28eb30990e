"""Two hubs (two processes' worth) fanning out through a real Redis, with polling off, so
only Redis can carry the event; and a hub without Redis keeps serving its own clients."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from cadence.db import create_engine, new_id
from cadence.realtime.events import Event
from cadence.realtime.hub import Connection, Hub
from cadence.settings import Settings
from tests.integration.conftest import utc
from tests.services import REDIS_URL, need, redis_available

pytestmark = pytest.mark.redis


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(database_url)
    yield eng
    await eng.dispose()


def event(n: int, org: str = "org-1", user_id: str | None = None) -> Event:
    return Event(n, org, "schedule.updated", utc(2026, 1, 1), {"n": n}, user_id)


async def test_events_cross_hubs_through_redis(engine: AsyncEngine, database_url: str) -> None:
    need("Redis", redis_available())
    settings = Settings(env="test", database_url=database_url, redis_url=REDIS_URL)
    channel = f"cadence:test:{new_id()}"
    a = Hub(settings, engine, poll_interval=3600, channel=channel)
    b = Hub(settings, engine, poll_interval=3600, channel=channel)
    await a.start()
    await b.start()
    try:
        await asyncio.wait_for(asyncio.gather(a.redis_up.wait(), b.redis_up.wait()), 10)
        on_b = Connection("u1", {"org-1"})
        other_org = Connection("u2", {"org-2"})
        b.subscribe(on_b)
        b.subscribe(other_org)
        await a.announce([event(1), event(2, user_id="u9"), event(3)])
        got = [await asyncio.wait_for(on_b.queue.get(), 5) for _ in range(2)]
        assert [e.id for e in got] == [1, 3]  # 2 was personal to someone else
        assert other_org.queue.empty()
    finally:
        await a.stop()
        await b.stop()


async def test_without_reachable_redis_local_clients_are_still_served(
    engine: AsyncEngine, database_url: str
) -> None:
    settings = Settings(env="test", database_url=database_url, redis_url="redis://127.0.0.1:1/0")
    hub = Hub(settings, engine, poll_interval=3600)
    await hub.start()
    try:
        conn = Connection("u1", {"org-1"})
        hub.subscribe(conn)
        await hub.announce([event(7)])
        assert (await asyncio.wait_for(conn.queue.get(), 1)).id == 7
    finally:
        await hub.stop()


async def test_two_deployments_sharing_one_redis_do_not_cross_talk(
    engine: AsyncEngine, database_url: str
) -> None:
    """Hubs of different namespaces (another database, or CADENCE_REDIS_PREFIX) on one Redis:
    an event of one never reaches the other, whose ids would otherwise collide with its own."""
    need("Redis", redis_available())
    run = new_id()
    mine = Settings(
        env="test", database_url=database_url, redis_url=REDIS_URL, redis_prefix=f"t:{run}:a"
    )
    theirs = mine.model_copy(update={"redis_prefix": f"t:{run}:b"})
    a, a2, b = (Hub(s, engine, poll_interval=3600) for s in (mine, mine, theirs))
    assert a.channel == f"t:{run}:a:events" != b.channel
    for hub in (a, a2, b):
        await hub.start()
    try:
        await asyncio.wait_for(
            asyncio.gather(a.redis_up.wait(), a2.redis_up.wait(), b.redis_up.wait()), 10
        )
        on_a2, on_b = Connection("u1", {"org-1"}), Connection("u1", {"org-1"})
        a2.subscribe(on_a2)
        b.subscribe(on_b)
        await a.announce([event(7)])
        assert (await asyncio.wait_for(on_a2.queue.get(), 5)).id == 7
        await asyncio.sleep(0.3)
        assert on_b.queue.empty() and 7 not in b.recent
    finally:
        for hub in (a, a2, b):
            await hub.stop()
