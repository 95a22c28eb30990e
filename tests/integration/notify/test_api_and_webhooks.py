"""Notifications API, preferences, tenancy, and webhooks delivered to a real local HTTP
server that checks the HMAC signature."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from cadence.app import create_app
from cadence.clock import FrozenClock
from cadence.context import Ctx
from cadence.http.state import AppState
from cadence.jobs.worker import Worker
from cadence.notify.webhooks import verify
from cadence.realtime import publish
from cadence.settings import Settings
from tests.integration.conftest import add_member, make_org, signup


@pytest.fixture(autouse=True)
def no_background_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CADENCE_RUN_WORKER", "0")  # this test drives the worker itself


class Receiver:
    def __init__(self) -> None:
        self.secret = ""
        self.calls: list[tuple[int, dict[str, Any], dict[str, str]]] = []
        self.fail_first = 1


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            ok = verify(state.secret, self.headers.get("Cadence-Signature", ""), body)
            code = 401 if not ok else (500 if state.fail_first > 0 else 200)
            state.fail_first -= 1 if ok else 0
            state.calls.append((code, json.loads(body), dict(self.headers)))
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


async def test_notifications_list_read_and_preferences(client: httpx.AsyncClient) -> None:
    admin = await signup(client, "admin@n.example")
    org = await make_org(client, admin)
    r = await client.post(f"/api/v1/orgs/{org}/notifications/test", headers=admin.auth)
    assert r.status_code == 201, r.text
    listed = (await client.get("/api/v1/notifications", headers=admin.auth)).json()
    assert listed["unread_count"] == 1
    assert listed["items"][0]["title"] == "Test notification"
    nid = listed["items"][0]["id"]
    r = await client.post(f"/api/v1/notifications/{nid}/read", headers=admin.auth)
    assert r.json()["read_at"] is not None
    unread = (await client.get("/api/v1/notifications?unread=true", headers=admin.auth)).json()
    assert (unread["unread_count"], unread["items"]) == (0, [])

    pref = {"kind": "booking.confirmed", "channel": "email", "enabled": False}
    r = await client.put("/api/v1/notifications/preferences", json=pref, headers=admin.auth)
    assert r.status_code == 200, r.text
    r = await client.get("/api/v1/notifications/preferences", headers=admin.auth)
    assert r.json() == [pref]


async def test_roles_and_tenancy(client: httpx.AsyncClient) -> None:
    owner = await signup(client, "owner@t.example")
    member = await signup(client, "member@t.example")
    stranger = await signup(client, "stranger@t.example")
    org = await make_org(client, owner)
    await add_member(client, org, owner, member)
    await make_org(client, stranger, name="Elsewhere")
    hook = {"url": "http://127.0.0.1:9/x"}
    for who, status in [(member, 403), (stranger, 404)]:
        r = await client.post(f"/api/v1/orgs/{org}/webhooks", json=hook, headers=who.auth)
        assert r.status_code == status
        r = await client.post(f"/api/v1/orgs/{org}/notifications/test", headers=who.auth)
        assert r.status_code == status
        r = await client.get(f"/api/v1/orgs/{org}/jobs/dead", headers=who.auth)
        assert r.status_code == status
    created = await client.post(f"/api/v1/orgs/{org}/webhooks", json=hook, headers=owner.auth)
    hook_id = created.json()["id"]
    r = await client.get(f"/api/v1/orgs/{org}/webhooks/{hook_id}", headers=stranger.auth)
    assert r.status_code == 404


async def test_webhook_is_signed_retried_and_logged(
    app: FastAPI, client: httpx.AsyncClient, receiver: tuple[Receiver, str]
) -> None:
    sink, url = receiver
    admin = await signup(client, "admin@w.example")
    org = await make_org(client, admin)
    r = await client.post(
        f"/api/v1/orgs/{org}/webhooks",
        json={"url": url, "event_types": ["schedule.updated"]},
        headers=admin.auth,
    )
    assert r.status_code == 201, r.text
    hook = r.json()
    sink.secret = hook["secret"]

    state: AppState = app.state.cadence
    async with state.sessions() as session:
        ctx = Ctx(session=session, settings=state.settings, clock=state.clock)
        await publish(ctx, org_id=org, type="schedule.updated", data={"week": 12})
        await publish(ctx, org_id=org, type="approval.requested", data={})  # not subscribed
        await session.commit()
        await ctx.run_after_commit()

    clock = FrozenClock(datetime.now(UTC) + timedelta(minutes=1))
    worker = Worker(state.engine, state.settings, clock, schedule_periodic=False)
    await worker.run_until_idle()
    clock.advance(timedelta(hours=1))
    await worker.run_until_idle()

    assert [c[0] for c in sink.calls] == [500, 200]
    first, second = sink.calls[0][1], sink.calls[1][1]
    assert first == second  # same delivery id and body on the retry
    assert first["type"] == "schedule.updated" and first["data"] == {"week": 12}
    assert sink.calls[0][2]["Cadence-Delivery"] == first["id"]
    r = await client.get(f"/api/v1/orgs/{org}/webhooks/{hook['id']}/deliveries", headers=admin.auth)
    log = r.json()["items"]
    assert sorted((a["attempt"], a["status"], a["response_code"]) for a in log) == [
        (1, "failed", 500),
        (2, "sent", 200),
    ]


async def test_webhook_urls_on_private_addresses_are_refused(
    app: FastAPI, database_url: str, receiver: tuple[Receiver, str]
) -> None:
    """Without CADENCE_WEBHOOK_ALLOW_PRIVATE, loopback, private and link-local targets are
    refused when a webhook is created or changed, and again at delivery (SSRF)."""
    sink, url = receiver
    state: AppState = app.state.cadence
    strict = create_app(
        Settings(env="test", database_url=database_url, log_level="WARNING"), clock=state.clock
    )
    async with (
        strict.router.lifespan_context(strict),
        httpx.AsyncClient(transport=httpx.ASGITransport(strict), base_url="http://t") as c,
    ):
        admin = await signup(c, "admin@ssrf.example")
        org = await make_org(c, admin)
        for target in (url, "http://10.0.0.7/x", "http://169.254.169.254/latest", "http://[::1]/"):
            r = await c.post(
                f"/api/v1/orgs/{org}/webhooks", json={"url": target}, headers=admin.auth
            )
            assert r.status_code == 422, (target, r.text)
            assert r.headers["content-type"] == "application/problem+json"
        assert (await c.get(f"/api/v1/orgs/{org}/webhooks", headers=admin.auth)).json() == []
        public = {"url": "http://93.184.216.34/hook"}  # a literal public address: no DNS
        r = await c.post(f"/api/v1/orgs/{org}/webhooks", json=public, headers=admin.auth)
        assert r.status_code == 201, r.text
        r = await c.patch(
            f"/api/v1/orgs/{org}/webhooks/{r.json()['id']}",
            json={"url": "http://192.168.0.1/"},
            headers=admin.auth,
        )
        assert r.status_code == 422, r.text

    # A hook made while private targets were allowed (or whose name points elsewhere since):
    # its delivery is refused and logged, and nothing reaches the receiver.
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://testserver")
    async with client:
        owner = await signup(client, "owner@ssrf.example")
        org = await make_org(client, owner)
        r = await client.post(f"/api/v1/orgs/{org}/webhooks", json={"url": url}, headers=owner.auth)
        assert r.status_code == 201, r.text
        hook = r.json()
    strict_settings = Settings(env="test", database_url=database_url, log_level="WARNING")
    async with state.sessions() as session:
        ctx = Ctx(session=session, settings=state.settings, clock=state.clock)
        await publish(ctx, org_id=org, type="schedule.updated", data={"week": 1})
        await session.commit()
    worker = Worker(state.engine, strict_settings, state.clock, schedule_periodic=False)
    await worker.run_until_idle()
    assert sink.calls == []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as c:
        r = await c.get(f"/api/v1/orgs/{org}/webhooks/{hook['id']}/deliveries", headers=owner.auth)
    (attempt,) = r.json()["items"]
    assert attempt["status"] == "failed" and attempt["error"].startswith("refused")
