"""Never oversell under real concurrency: threads against real uvicorn processes.

PostgreSQL: two web processes on one database, 50 concurrent bookings for 20 seats.
SQLite: one process, the same rush. Exactly 20 seats are sold, every request answers 201 or
409 (sold out), and the event's count agrees with the bookings.
"""

from __future__ import annotations

import asyncio
import itertools
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from tests.conftest import _truncate_all
from tests.live import live_server

PASSWORD = "correct horse battery"
SEATS = 20
CLIENTS = 50


def _person(base: str, email: str) -> dict[str, str]:
    httpx.post(
        f"{base}/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "name": email},
        timeout=30,
    ).raise_for_status()
    r = httpx.post(
        f"{base}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=30
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _rush(bases: list[str]) -> None:
    owner = _person(bases[0], "owner@example.com")
    org = httpx.post(
        f"{bases[0]}/api/v1/orgs", json={"name": "Rush", "timezone": "UTC"}, headers=owner
    ).json()["id"]
    event = httpx.post(
        f"{bases[0]}/api/v1/orgs/{org}/events",
        json={
            "name": "Rush",
            "starts_at": "2027-06-01T19:00:00Z",
            "ends_at": "2027-06-01T22:00:00Z",
            "capacity": SEATS,
        },
        headers=owner,
    ).json()["id"]
    fans = [_person(bases[i % len(bases)], f"fan{i}@example.com") for i in range(CLIENTS)]
    targets = itertools.cycle(bases)
    jobs = [(next(targets), fan) for fan in fans]

    def book(job: tuple[str, dict[str, str]]) -> int:
        base, auth = job
        r = httpx.post(
            f"{base}/api/v1/events/{event}/bookings",
            json={"quantity": 1},
            headers=auth,
            timeout=60,
        )
        if r.status_code == 409:
            assert r.json()["type"].endswith("sold-out")
        return r.status_code

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        codes = list(pool.map(book, jobs))
    assert sorted(set(codes)) == [201, 409], codes
    assert codes.count(201) == SEATS
    seen = httpx.get(f"{bases[-1]}/api/v1/events/{event}", headers=owner).json()
    assert seen["available"] == 0
    sold = httpx.get(
        f"{bases[0]}/api/v1/events/{event}/bookings", params={"limit": 200}, headers=owner
    ).json()["items"]
    assert sum(b["quantity"] for b in sold if b["status"] == "confirmed") == SEATS


@pytest.mark.timeout(300)
def test_two_processes_on_postgres_never_oversell(postgres_database: str, tmp_path: Path) -> None:
    asyncio.run(_truncate_all(postgres_database))
    with ExitStack() as stack:
        bases = []
        for n in range(2):
            folder = tmp_path / f"web{n}"
            folder.mkdir()
            bases.append(stack.enter_context(live_server(folder, database_url=postgres_database)))
        _rush(bases)


@pytest.mark.timeout(300)
def test_one_process_on_sqlite_never_oversells(tmp_path: Path) -> None:
    with live_server(tmp_path) as base:
        _rush([base])
