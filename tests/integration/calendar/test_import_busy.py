"""Imported busy time materialised at import time, its horizon, SSRF checks and refresh jobs."""

from __future__ import annotations

import asyncio
import http.server
import ipaddress
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, select, update

from cadence import netguard
from cadence.calendar import imports
from cadence.calendar.models import CalendarImport, CalendarImportBusy
from cadence.context import unit_of_work
from cadence.errors import InvalidInput
from cadence.http.state import AppState
from cadence.jobs import enqueue
from cadence.jobs.worker import Worker
from cadence.settings import Settings
from tests.integration.availability.helpers import every_day, find, set_pattern, starts
from tests.integration.calendar.test_imports import ICS
from tests.integration.conftest import Person, make_org, signup

OPEN_ENDED = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:forever@test
DTSTAMP:20260101T000000Z
DTSTART:20260601T100000Z
DTEND:20260601T110000Z
RRULE:FREQ=WEEKLY
SUMMARY:Weekly forever
END:VEVENT
END:VCALENDAR
"""


SECRET = "s" * 40


def _state(app: FastAPI) -> AppState:
    state: AppState = app.state.cadence
    return state


async def _busy_hours(client: httpx.AsyncClient, org: str, who: Person, day: str) -> list[str]:
    r = await find(
        client,
        org,
        who,
        required=[who.id],
        granularity_minutes=60,
        limit=100,
        window_start=f"{day}T00:00:00Z",
        window_end=f"{day}T23:00:00Z",
    )
    free = {s[11:13] for s in starts(r)}
    return [f"{h:02d}" for h in range(8, 18) if f"{h:02d}" not in free]


async def _rows(app: FastAPI) -> list[tuple[str, str | None]]:
    state = _state(app)
    async with unit_of_work(state.sessions, state.settings, state.clock) as ctx:
        query = select(CalendarImportBusy.start_minute, CalendarImportBusy.title)
        rows = (await ctx.session.execute(query.order_by(CalendarImportBusy.start_minute))).all()
    return [(datetime.fromtimestamp(m * 60, UTC).isoformat(), t) for m, t in rows]


async def _run_jobs(app: FastAPI, kind: str | None = None) -> None:
    state = _state(app)
    if kind is not None:
        async with unit_of_work(state.sessions, state.settings, state.clock) as ctx:
            await enqueue(ctx, kind, {})
    worker = Worker(state.engine, state.settings, state.clock, schedule_periodic=False)
    await worker.run_until_idle()
    await asyncio.sleep(0.05)


async def test_occurrences_are_materialised_once(client: httpx.AsyncClient, app: FastAPI) -> None:
    ann = await signup(client, "ann@example.com")
    r = await client.post("/api/v1/me/calendar-imports", json={"ics": ICS}, headers=ann.auth)
    assert r.status_code == 201, r.text
    # EXDATE drops 8 June, RECURRENCE-ID moves 15 June; transparent and cancelled left out
    assert await _rows(app) == [
        ("2026-06-01T10:00:00+00:00", "Standup"),
        ("2026-06-15T12:00:00+00:00", "Standup (moved)"),
        ("2026-06-22T10:00:00+00:00", "Standup"),
    ]
    r = await client.delete(f"/api/v1/me/calendar-imports/{r.json()['id']}", headers=ann.auth)
    assert r.status_code == 204
    assert await _rows(app) == []


async def test_beyond_the_horizon_the_text_is_expanded(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    org = await make_org(client, ann)
    await set_pattern(client, ann, every_day("08:00", "18:00"))
    r = await client.post("/api/v1/me/calendar-imports", json={"ics": OPEN_ENDED}, headers=ann.auth)
    assert r.status_code == 201, r.text
    assert await _busy_hours(client, org, ann, "2027-06-07") == ["10"]  # materialised
    assert await _busy_hours(client, org, ann, "2029-11-26") == ["10"]  # past the horizon
    assert await _busy_hours(client, org, ann, "2029-11-27") == []


async def test_extend_horizons_job_materialises_again(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    ann = await signup(client, "ann@example.com")
    org = await make_org(client, ann)
    await set_pattern(client, ann, every_day("08:00", "18:00"))
    await client.post("/api/v1/me/calendar-imports", json={"ics": ICS}, headers=ann.auth)
    state = _state(app)
    async with unit_of_work(state.sessions, state.settings, state.clock) as ctx:
        await ctx.session.execute(
            update(CalendarImport).values(busy_from=None, busy_until=None, busy_timezone=None)
        )
        await ctx.session.execute(delete(CalendarImportBusy))
    assert await _busy_hours(client, org, ann, "2026-06-01") == ["10"]  # expanded per window
    await _run_jobs(app, "calendar.extend_horizons")
    assert len(await _rows(app)) == 3
    async with unit_of_work(state.sessions, state.settings, state.clock) as ctx:
        row = (await ctx.session.scalars(select(CalendarImport))).one()
        assert row.busy_until is not None and row.busy_timezone == "UTC"


LATER = ICS.replace(
    "DTSTART:20260601T140000Z\nDTEND:20260601T150000Z\nTRANSP:TRANSPARENT\n",
    "DTSTART:20260601T140000Z\nDTEND:20260601T150000Z\n",
)


@pytest.fixture
def ics_dir(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    (tmp_path / "cal.ics").write_text(ICS)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(Quiet, directory=str(tmp_path))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


async def test_url_imports_are_refreshed_by_a_job(
    client: httpx.AsyncClient, app: FastAPI, ics_dir: tuple[str, Path]
) -> None:
    base, folder = ics_dir
    ann = await signup(client, "ann@example.com")
    org = await make_org(client, ann)
    await set_pattern(client, ann, every_day("08:00", "18:00"))
    r = await client.post(
        "/api/v1/me/calendar-imports", json={"url": f"{base}/cal.ics"}, headers=ann.auth
    )
    assert r.status_code == 201, r.text
    assert await _busy_hours(client, org, ann, "2026-06-01") == ["10"]
    assert LATER != ICS
    (folder / "cal.ics").write_text(LATER)  # the 14:00 event is no longer transparent
    await _run_jobs(app, "calendar.refresh_url_imports")
    for _ in range(100):  # the app's own worker may be the one running the refresh
        if await _busy_hours(client, org, ann, "2026-06-01") == ["10", "14"]:
            break
        await asyncio.sleep(0.1)
    assert await _busy_hours(client, org, ann, "2026-06-01") == ["10", "14"]
    (folder / "cal.ics").unlink()  # a failing address keeps the last good copy
    await _run_jobs(app, "calendar.refresh_url_imports")
    await _run_jobs(app)
    assert await _busy_hours(client, org, ann, "2026-06-01") == ["10", "14"]


@pytest.mark.parametrize(
    ("address", "env", "allowed"),
    [
        ("93.184.216.34", "production", True),
        ("127.0.0.1", "test", True),
        ("::1", "development", True),
        ("127.0.0.1", "production", False),
        ("10.0.0.5", "test", False),
        ("192.168.1.1", "development", False),
        ("169.254.169.254", "test", False),
        ("::ffff:10.0.0.1", "test", False),
    ],
)
def test_only_public_addresses_are_fetched(address: str, env: str, allowed: bool) -> None:
    settings = Settings(env=env, secret_key=SECRET)
    assert netguard.allowed_address(ipaddress.ip_address(address), settings) is allowed


async def test_private_url_answers_422(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    for url in ("http://10.1.2.3/cal.ics", "http://169.254.169.254/latest", "http://[fd00::1]/"):
        r = await client.post("/api/v1/me/calendar-imports", json={"url": url}, headers=ann.auth)
        assert r.status_code == 422, r.text
    with pytest.raises(InvalidInput):
        await imports.fetch(
            Settings(env="production", secret_key=SECRET), "http://127.0.0.1:1/cal.ics"
        )
