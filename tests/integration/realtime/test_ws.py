"""The WebSocket of the API contract against a real server (uvicorn subprocess, SQLite)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from tests.integration.conftest import add_member, make_org, signup
from tests.live import web_processes


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("ws")
    with web_processes(
        tmp, 1, database_url=f"sqlite+aiosqlite:///{tmp / 'ws.db'}", extra_env={}
    ) as (base,):
        yield base


def ws_url(base: str, token: str, after: int | None = None) -> str:
    url = base.replace("http://", "ws://") + f"/api/v1/ws?token={token}"
    return url if after is None else f"{url}&after={after}"


async def next_message(ws: ClientConnection, wait: float = 5) -> dict[str, Any]:
    raw = await asyncio.wait_for(ws.recv(), wait)
    message: dict[str, Any] = json.loads(raw)
    return message


async def nothing_more(ws: ClientConnection, wait: float = 0.6) -> None:
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(ws.recv(), wait)


async def test_a_bad_or_missing_token_is_refused_with_401(server: str) -> None:
    for url in (ws_url(server, "not-a-token"), server.replace("http", "ws") + "/api/v1/ws"):
        with pytest.raises(InvalidStatus) as refused:
            async with connect(url):
                pass
        assert refused.value.response.status_code == 401


async def test_live_events_resume_and_isolation(server: str) -> None:
    async with httpx.AsyncClient(base_url=server) as http:
        admin = await signup(http, "admin@ws.example")
        member = await signup(http, "member@ws.example")
        stranger = await signup(http, "stranger@ws.example")
        org = await make_org(http, admin, name="Live band")
        await make_org(http, stranger, name="Other band")
        await add_member(http, org, admin, member)

        async def poke() -> None:
            r = await http.post(f"/api/v1/orgs/{org}/notifications/test", headers=admin.auth)
            assert r.status_code == 201, r.text

        async with (
            connect(ws_url(server, admin.access)) as ws,
            connect(ws_url(server, member.access)) as ws_member,
            connect(ws_url(server, stranger.access)) as ws_stranger,
        ):
            await poke()
            first = await next_message(ws)
            assert set(first) == {"id", "type", "org_id", "at", "data"}
            assert first["type"] == "notification.created"
            assert first["org_id"] == org
            assert isinstance(first["id"], int)
            # a personal notification reaches only its person; other tenants get nothing
            await nothing_more(ws_member, 0.3)
            await nothing_more(ws_stranger, 0.3)

        await poke()  # missed while disconnected
        await poke()
        async with connect(ws_url(server, admin.access, after=first["id"])) as ws:
            missed = [await next_message(ws), await next_message(ws)]
            assert [m["id"] for m in missed] == sorted(m["id"] for m in missed)
            assert missed[0]["id"] > first["id"]
            await poke()
            live = await next_message(ws)
            assert live["id"] > missed[1]["id"]
            await nothing_more(ws)

        async with connect(ws_url(server, admin.access)) as ws:  # no `after`: nothing earlier
            await nothing_more(ws, 0.4)
