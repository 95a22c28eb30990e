"""Never double-book a table: many guests at once, on SQLite and on PostgreSQL.

In-process (both databases): concurrent requests through the ASGI app, each in its own
transaction and connection. Across processes (PostgreSQL): two uvicorn servers on one
database, hammered from threads. Afterwards no table may be held by two live reservations
at overlapping times, and every request answered 201 or 409.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from cadence.clock import FrozenClock
from cadence.venues.models import Reservation, ReservationTable, TableOccupancy
from tests.conftest import _truncate_all
from tests.integration.conftest import PASSWORD, Person, make_org, signup
from tests.integration.venues.floor import build_floor, reserve
from tests.live import free_port

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
# overlapping requests: each pair of neighbouring times shares table time
STARTS = [
    "2026-06-05T18:00:00+01:00",
    "2026-06-05T18:30:00+01:00",
    "2026-06-05T19:00:00+01:00",
    "2026-06-05T20:15:00+01:00",
]


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


async def assert_no_double_booking(session: AsyncSession) -> int:
    rows = (
        await session.execute(
            select(
                ReservationTable.table_id,
                Reservation.starts_at,
                Reservation.ends_at,
                Reservation.id,
            )
            .join(Reservation, Reservation.id == ReservationTable.reservation_id)
            .where(Reservation.status.in_(("pending", "confirmed", "seated")))
        )
    ).all()
    for a, b in itertools.combinations(rows, 2):
        if a.table_id == b.table_id:
            # slot + 15 min turnover: the next may start when the turnover ends
            assert (
                a.ends_at + timedelta(minutes=15) <= b.starts_at
                or b.ends_at + timedelta(minutes=15) <= a.starts_at
            ), (a, b)
    held = (await session.scalars(select(TableOccupancy.reservation_id).distinct())).all()
    assert set(held) == {r.id for r in rows}
    return len({r.id for r in rows})


async def test_concurrent_guests_never_share_a_table(
    client: httpx.AsyncClient, app: object
) -> None:
    owner = await signup(client, "owner@bluedoor.example")
    org = await make_org(client, owner, "The Blue Door")
    floor = await build_floor(client, owner, org)
    guests = [await signup(client, f"g{i}@example.com") for i in range(6)]

    async def one(i: int) -> int:
        guest = guests[i % len(guests)]
        r = await reserve(client, guest, floor, STARTS[i % len(STARTS)], 2 + (i % 3))
        assert r.status_code in (201, 409), r.text
        return r.status_code

    codes = await asyncio.gather(*(one(i) for i in range(48)))
    assert codes.count(201) >= 6 and codes.count(409) >= 1
    sessions = app.state.cadence.sessions  # type: ignore[attr-defined]
    async with sessions() as session:
        assert await assert_no_double_booking(session) == codes.count(201)


@contextmanager
def _servers(tmp: Path, url: str, count: int) -> Iterator[list[str]]:
    """`count` uvicorn processes on one database, started side by side (slow machines: 120 s)."""
    procs: list[tuple[subprocess.Popen[bytes], str]] = []
    with ExitStack() as stack:
        for i in range(count):
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            env = {
                **os.environ,
                "CADENCE_DATABASE_URL": url,
                "CADENCE_ENV": "test",
                "CADENCE_BASE_URL": base,
                "CADENCE_LOG_LEVEL": "WARNING",
            }
            log = stack.enter_context((tmp / f"server{i}.log").open("wb"))
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "cadence.app:create_app",
                    "--factory",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--no-access-log",
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            procs.append((proc, base))
        try:
            deadline = time.monotonic() + 120
            for proc, base in procs:
                while True:
                    try:
                        if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"server {base} did not start")
                    time.sleep(0.2)
            yield [base for _, base in procs]
        finally:
            for proc, _ in procs:
                proc.terminate()
            for proc, _ in procs:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()


def _next_friday_19(zone: ZoneInfo) -> str:
    today = datetime.now(zone).date() + timedelta(days=3)
    while today.weekday() != 4:
        today += timedelta(days=1)
    return datetime.combine(today, datetime.min.time(), zone).replace(hour=19).isoformat()


@pytest.mark.slow
def test_two_server_processes_on_postgresql_never_double_book(
    postgres_database: str, tmp_path: Path
) -> None:
    asyncio.run(_truncate_all(postgres_database))
    with _servers(tmp_path, postgres_database, 2) as (one, two):
        start = _next_friday_19(ZoneInfo("Europe/London"))

        async def prepare() -> tuple[str, list[Person]]:
            async with httpx.AsyncClient(base_url=one, timeout=30) as c:
                owner = await signup(c, "owner@bluedoor.example")
                org = await make_org(c, owner, "The Blue Door")
                floor = await build_floor(c, owner, org)
                return floor.venue["id"], [await signup(c, f"g{i}@example.com") for i in range(8)]

        venue_id, guests = asyncio.run(prepare())
        assert PASSWORD

        def hit(i: int) -> int:
            base = (one, two)[i % 2]
            with httpx.Client(base_url=base, timeout=60) as c:
                r = c.post(
                    f"/api/v1/venues/{venue_id}/reservations",
                    json={"starts_at": start, "party_size": 2 + (i % 3)},
                    headers=guests[i % len(guests)].auth,
                )
            assert r.status_code in (201, 409), r.text
            return r.status_code

        with ThreadPoolExecutor(max_workers=24) as pool:
            codes = list(pool.map(hit, range(60)))

    # every table ends up taken: six reservations, or five when a party of three came while
    # T4 and P1 were gone and took the combination T2 + T3 (arrival order decides)
    won = codes.count(201)
    assert won in (5, 6) and codes.count(409) == 60 - won

    async def check() -> None:
        engine = create_async_engine(postgres_database)
        try:
            async with AsyncSession(engine) as session:
                assert await assert_no_double_booking(session) == won
        finally:
            await engine.dispose()

    asyncio.run(check())
