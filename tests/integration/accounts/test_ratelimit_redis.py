"""With Redis configured, login failures count across every web process."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from cadence.app import create_app
from cadence.settings import Settings
from tests.integration.conftest import PASSWORD
from tests.services import REDIS_URL, need, redis_available


@pytest.fixture
async def two_processes(
    settings: Settings,
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    need("Redis", redis_available())
    shared = settings.model_copy(update={"redis_url": REDIS_URL})
    apps = [create_app(shared), create_app(shared)]
    async with (
        apps[0].router.lifespan_context(apps[0]),
        apps[1].router.lifespan_context(apps[1]),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=apps[0]), base_url="http://a") as a,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=apps[1]), base_url="http://b") as b,
    ):
        yield a, b


async def test_failures_on_one_process_lock_the_other(
    two_processes: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    a, b = two_processes
    email = f"locked-{uuid.uuid4().hex[:8]}@example.com"
    reg = await a.post(
        "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": "L"}
    )
    assert reg.status_code == 201
    for i in range(10):
        client = a if i % 2 else b
        r = await client.post("/api/v1/auth/login", json={"email": email, "password": "wrong!!"})
        assert r.status_code == 401
    for client in (a, b):
        r = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 429
        assert int(r.headers["Retry-After"]) > 0
    ready = await a.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"]["redis"] == "ok"
