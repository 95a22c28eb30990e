"""The app under test, served in-process through httpx's ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from cadence.app import create_app
from cadence.clock import SystemClock
from cadence.settings import Settings

PASSWORD = "correct horse battery"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Tests drive the job worker themselves (`run_jobs`), so the embedded worker that the
    SQLite mode would start is off: two workers racing for one job made outcomes timing-bound.
    Tests of the embedded mode itself turn it back on."""
    return Settings(
        env="test",
        database_url=database_url,
        log_level="WARNING",
        base_url="http://testserver",
        run_worker=False,
    )


@pytest.fixture
def clock() -> SystemClock:
    return SystemClock()


@pytest.fixture
async def app(settings: Settings, clock: SystemClock) -> AsyncIterator[FastAPI]:
    application = create_app(settings, clock=clock)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@dataclass
class Person:
    id: str
    email: str
    name: str
    access: str
    refresh: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}"}


async def signup(client: httpx.AsyncClient, email: str, name: str | None = None) -> Person:
    """Register and log in a person through the public API."""
    reg = await client.post(
        "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": name or email}
    )
    assert reg.status_code == 201, reg.text
    login = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    tokens = login.json()
    return Person(
        reg.json()["id"], email, name or email, tokens["access_token"], tokens["refresh_token"]
    )


async def make_org(
    client: httpx.AsyncClient,
    owner: Person,
    name: str = "The Band",
    timezone: str = "Europe/London",
) -> str:
    r = await client.post(
        "/api/v1/orgs", json={"name": name, "timezone": timezone}, headers=owner.auth
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def add_member(
    client: httpx.AsyncClient, org_id: str, owner: Person, person: Person, role: str = "member"
) -> None:
    r = await client.post(
        f"/api/v1/orgs/{org_id}/invitations",
        json={"email": person.email, "role": role},
        headers=owner.auth,
    )
    assert r.status_code == 201, r.text
    r = await client.post(f"/api/v1/invitations/{r.json()['token']}/accept", headers=person.auth)
    assert r.status_code == 200, r.text


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]
