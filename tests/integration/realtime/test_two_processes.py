"""Two web processes on PostgreSQL and Redis: an update caused through A reaches a client
connected to B, and a client that reconnects to B with `after` gets what it missed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.conftest import _truncate_all
from tests.integration.conftest import make_org, signup
from tests.integration.realtime.test_ws import next_message, nothing_more, ws_url
from tests.live import web_processes
from tests.services import REDIS_URL, need, redis_available

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def servers(postgres_database: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    need("Redis", redis_available())
    asyncio.run(_truncate_all(postgres_database))
    env = {"CADENCE_REDIS_URL": REDIS_URL}
    with web_processes(tmp_path, 2, database_url=postgres_database, extra_env=env) as (a, b):
        yield a, b


async def test_an_update_through_a_reaches_a_client_on_b(servers: tuple[str, str]) -> None:
    a, b = servers
    async with httpx.AsyncClient(base_url=a) as http:
        admin = await signup(http, "admin@two.example")
        org = await make_org(http, admin, name="Two processes")

        async def poke() -> None:
            r = await http.post(f"/api/v1/orgs/{org}/notifications/test", headers=admin.auth)
            assert r.status_code == 201, r.text

        async with connect(ws_url(b, admin.access)) as ws:
            started = time.monotonic()
            await poke()
            first = await next_message(ws)
            latency = time.monotonic() - started
            assert (first["type"], first["org_id"]) == ("notification.created", org)
        print(
            f"\ncross-process delivery (request + fan-out through Redis): {latency * 1000:.0f} ms"
        )

        await poke()
        await poke()
        async with connect(ws_url(b, admin.access, after=first["id"])) as ws:
            missed = [await next_message(ws), await next_message(ws)]
            assert first["id"] < missed[0]["id"] < missed[1]["id"]
            await nothing_more(ws)
