"""Web Push end to end: a local push service holding the subscription's keys decrypts it."""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece  # type: ignore[import-untyped]
import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from cadence.clock import FrozenClock
from cadence.db import create_engine, make_sessionmaker
from cadence.jobs.worker import Worker
from cadence.notify import push
from cadence.notify.models import DeliveryAttempt, PushSubscription
from cadence.notify.service import notify
from cadence.settings import Settings
from tests.integration.conftest import signup, utc
from tests.integration.jobs.helpers import unit_of_work
from tests.integration.notify.helpers import world


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class PushService:
    """Answers 201 on /ok/..., 410 on /gone/...; keeps each request's headers and body."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], bytes]] = []

    @contextmanager
    def serving(self) -> Iterator[int]:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                service.received.append(
                    (self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                self.send_response(410 if self.path.startswith("/gone/") else 201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield server.server_address[1]
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(database_url)
    yield eng
    await eng.dispose()


async def test_push_is_encrypted_for_the_subscription_and_gone_ones_are_deleted(
    engine: AsyncEngine, database_url: str
) -> None:
    settings = Settings(env="test", database_url=database_url, base_url="https://cadence.example")
    clock = FrozenClock(utc(2026, 5, 1, 12, 0))
    w = await world(engine, settings, clock)
    receiver = ec.generate_private_key(ec.SECP256R1())
    p256dh = receiver.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    auth = os.urandom(16)
    service = PushService()
    with service.serving() as port:
        async with unit_of_work(engine, settings, clock) as ctx:
            for path in ("ok/device-1", "gone/device-2"):
                ctx.session.add(
                    PushSubscription(
                        user_id=w.alice,
                        endpoint=f"http://127.0.0.1:{port}/{path}",
                        p256dh=b64(p256dh),
                        auth=b64(auth),
                        created_at=clock.now(),
                    )
                )
            await ctx.session.flush()
            await notify(
                ctx,
                user_id=w.alice,
                org_id=w.org_id,
                kind="booking.confirmed",
                title="Tickets confirmed",
                body="See you on Friday.",
                key="test-push-1",
            )
            public = (await push.ensure_vapid_key(ctx)).public_key
        worker = Worker(engine, settings, clock, schedule_periodic=False)
        assert await worker.run_until_idle() == 2
        assert await worker.run_until_idle() == 0

    paths = sorted(path for path, _, _ in service.received)
    assert paths == ["/gone/device-2", "/ok/device-1"]
    for _, headers, body in service.received:
        assert headers["content-encoding"] == "aes128gcm"
        assert headers["authorization"].startswith("vapid t=")
        assert f"k={public}" in headers["authorization"]
        plain = http_ece.decrypt(body, private_key=receiver, auth_secret=auth, version="aes128gcm")
        assert json.loads(plain) == {
            "kind": "booking.confirmed",
            "title": "Tickets confirmed",
            "body": "See you on Friday.",
            "url": None,
        }
    async with make_sessionmaker(engine)() as session:
        left = [
            s.endpoint.rsplit("/", 2)[1] for s in await session.scalars(select(PushSubscription))
        ]
        log = sorted(
            (a.status, a.response_code)
            for a in await session.scalars(
                select(DeliveryAttempt).where(DeliveryAttempt.channel == "push")
            )
        )
    assert left == ["ok"]
    assert log == [("dead", 410), ("sent", 201)]


async def test_vapid_public_key_is_one_per_deployment(client: httpx.AsyncClient) -> None:
    first = await client.get("/api/v1/push/vapid-public-key")
    second = await client.get("/api/v1/push/vapid-public-key")
    assert first.status_code == 200, first.text
    key = first.json()["public_key"]
    assert second.json()["public_key"] == key
    raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(raw) == 65 and raw[0] == 4  # an uncompressed P-256 point
    person = await signup(client, "push@example.com")
    assert (await client.get("/api/v1/push/vapid-public-key", headers=person.auth)).json() == {
        "public_key": key
    }
