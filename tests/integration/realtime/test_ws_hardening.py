"""The WebSocket's life follows its credentials and memberships: an expired token closes it
with 4401 unless refreshed in time, and a removed member stops receiving the organisation's
events while one who joins starts receiving them, without reconnecting.

A real uvicorn server in this process (so the clock can be frozen and advanced, and expiry
needs no waiting), real WebSocket clients."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from cadence.app import create_app
from cadence.clock import FrozenClock
from cadence.realtime import api as realtime_api
from cadence.realtime import hub as realtime_hub
from cadence.settings import Settings
from tests.integration.conftest import PASSWORD, Person, add_member, signup
from tests.integration.realtime.test_ws import next_message, ws_url
from tests.live import free_port


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def base(
    database_url: str, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[str]:
    monkeypatch.setattr(realtime_api, "EXPIRY_CHECK_SECONDS", 0.05)
    monkeypatch.setattr(realtime_hub, "LOGIN_CHECK_SECONDS", 0.2)
    port = free_port()
    settings = Settings(
        env="test",
        database_url=database_url,
        log_level="WARNING",
        base_url=f"http://127.0.0.1:{port}",
    )
    config = uvicorn.Config(
        create_app(settings, clock=clock), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "the server did not start"
        await asyncio.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


async def login(http: httpx.AsyncClient, email: str) -> str:
    r = await http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


async def org_with_event(http: httpx.AsyncClient, owner: Person, name: str) -> tuple[str, str]:
    r = await http.post("/api/v1/orgs", json={"name": name, "timezone": "UTC"}, headers=owner.auth)
    org = str(r.json()["id"])
    r = await http.post(
        f"/api/v1/orgs/{org}/events",
        json={
            "name": f"{name} night",
            "starts_at": "2031-05-01T19:00:00Z",
            "ends_at": "2031-05-01T22:00:00Z",
            "capacity": 100,
        },
        headers=owner.auth,
    )
    assert r.status_code == 201, r.text
    return org, str(r.json()["id"])


async def book(http: httpx.AsyncClient, event: str, who: Person) -> None:
    r = await http.post(f"/api/v1/events/{event}/bookings", json={"quantity": 1}, headers=who.auth)
    assert r.status_code == 201, r.text


async def closed_with(ws: ClientConnection) -> tuple[int, str]:
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def test_a_removed_member_stops_receiving_and_a_new_one_starts(base: str) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        owner = await signup(http, "owner@live.example")
        member = await signup(http, "member@live.example")
        newbie = await signup(http, "newbie@live.example")
        org_a, event_a = await org_with_event(http, owner, "A")
        org_b, event_b = await org_with_event(http, owner, "B")
        await add_member(http, org_a, owner, member)
        await add_member(http, org_b, owner, member)

        async with (
            connect(ws_url(base, member.access)) as ws,
            connect(ws_url(base, newbie.access)) as ws_newbie,
        ):
            await book(http, event_a, owner)
            first = await next_message(ws)
            assert (first["type"], first["org_id"]) == ("booking.confirmed", org_a)

            r = await http.delete(f"/api/v1/orgs/{org_a}/members/{member.id}", headers=owner.auth)
            assert r.status_code == 204, r.text
            await book(http, event_a, owner)  # the removed member must not hear this one
            await book(http, event_b, owner)  # still a member of B
            after = await next_message(ws)
            assert (after["type"], after["org_id"]) == ("booking.confirmed", org_b)

            # Joining while connected: the open connection starts hearing the organisation;
            # the membership changes themselves are never sent to clients.
            await add_member(http, org_a, owner, newbie)
            await book(http, event_a, owner)
            heard = await next_message(ws_newbie)
            assert (heard["type"], heard["org_id"]) == ("booking.confirmed", org_a)


async def test_the_connection_closes_with_4401_when_its_token_expires(
    base: str, clock: FrozenClock
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        owner = await signup(http, "exp@live.example")
        org, event = await org_with_event(http, owner, "Expiring")
        async with connect(ws_url(base, owner.access)) as ws:
            clock.advance(timedelta(minutes=14))
            await asyncio.sleep(0.2)
            await book(http, event, owner)
            assert (await next_message(ws))["org_id"] == org  # not expired yet
            clock.advance(timedelta(minutes=1, seconds=1))
            assert await closed_with(ws) == (4401, "token expired")


async def test_logging_out_closes_the_logins_sockets_and_no_other(base: str) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        owner = await signup(http, "bye@live.example")
        r = await http.post(
            "/api/v1/auth/login", json={"email": "bye@live.example", "password": PASSWORD}
        )
        other = dataclasses.replace(owner, access=r.json()["access_token"])
        org, event = await org_with_event(http, owner, "Leaving")
        async with (
            connect(ws_url(base, owner.access)) as ws,
            connect(ws_url(base, other.access)) as still_in,
        ):
            r = await http.post("/api/v1/auth/logout", headers=owner.auth)
            assert r.status_code == 204, r.text
            assert await closed_with(ws) == (4401, "logged out")
            # The person's other login (another device) keeps its socket and its events.
            await book(http, event, other)
            assert (await next_message(still_in))["org_id"] == org


async def test_a_refresh_keeps_the_connection_and_a_bad_one_closes_it(
    base: str, clock: FrozenClock
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        owner = await signup(http, "ref@live.example")
        await signup(http, "other@live.example")
        org, event = await org_with_event(http, owner, "Refreshed")
        async with connect(ws_url(base, owner.access)) as ws:
            clock.advance(timedelta(minutes=10))
            fresh = await login(http, "ref@live.example")
            await ws.send(json.dumps({"type": "refresh", "token": fresh}))
            await asyncio.sleep(0.3)
            clock.advance(timedelta(minutes=10))  # the first token has expired by now
            await asyncio.sleep(0.3)
            await book(http, event, owner_with(owner, fresh))
            message: dict[str, Any] = await next_message(ws)
            assert message["org_id"] == org
            other = await login(http, "other@live.example")
            await ws.send(json.dumps({"type": "refresh", "token": other}))
            assert await closed_with(ws) == (4401, "refresh for another person")

        async with connect(ws_url(base, await login(http, "ref@live.example"))) as ws:
            await ws.send(json.dumps({"type": "refresh", "token": "not-a-token"}))
            assert await closed_with(ws) == (4401, "refresh refused")


def owner_with(person: Person, access: str) -> Person:
    return Person(person.id, person.email, person.name, access, person.refresh)
