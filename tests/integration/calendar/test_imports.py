"""`POST /api/v1/me/calendar-imports`: text or URL, counted, and busy time from then on."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import httpx
import pytest

from tests.integration.availability.helpers import every_day, find, set_pattern, starts
from tests.integration.conftest import make_org, signup

# Weekly 10:00-11:00 UTC on Mondays from 1 June 2026; the 8 June occurrence is excluded, the
# 15 June one moved to 12:00; plus a transparent and a cancelled event.
ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:weekly@test
DTSTAMP:20260101T000000Z
DTSTART:20260601T100000Z
DTEND:20260601T110000Z
RRULE:FREQ=WEEKLY;COUNT=4
EXDATE:20260608T100000Z
SUMMARY:Standup
END:VEVENT
BEGIN:VEVENT
UID:weekly@test
DTSTAMP:20260101T000000Z
RECURRENCE-ID:20260615T100000Z
DTSTART:20260615T120000Z
DTEND:20260615T130000Z
SUMMARY:Standup (moved)
END:VEVENT
BEGIN:VEVENT
UID:free@test
DTSTAMP:20260101T000000Z
DTSTART:20260601T140000Z
DTEND:20260601T150000Z
TRANSP:TRANSPARENT
SUMMARY:Free
END:VEVENT
BEGIN:VEVENT
UID:cancelled@test
DTSTAMP:20260101T000000Z
DTSTART:20260601T150000Z
DTEND:20260601T160000Z
STATUS:CANCELLED
SUMMARY:Cancelled
END:VEVENT
END:VCALENDAR
"""


async def _busy_hours(client: httpx.AsyncClient, org: str, who, day: str) -> list[str]:  # type: ignore[no-untyped-def]
    r = await find(
        client,
        org,
        who,
        required=[who.id],
        granularity_minutes=60,
        limit=100,
        window_start=f"{day}T00:00:00Z",
        window_end=f"{day}T00:00:00Z".replace(f"{day}T00", f"{day}T23"),
    )
    free = {s[11:13] for s in starts(r)}
    return [f"{h:02d}" for h in range(8, 18) if f"{h:02d}" not in free]


async def test_import_text_counts_every_vevent_and_blocks_time(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    org = await make_org(client, ann)
    await set_pattern(client, ann, every_day("08:00", "18:00"))
    r = await client.post("/api/v1/me/calendar-imports", json={"ics": ICS}, headers=ann.auth)
    assert r.status_code == 201, r.text
    assert r.json()["events"] == 4
    assert r.json()["id"]
    assert await _busy_hours(client, org, ann, "2026-06-01") == [
        "10"
    ]  # transparent/cancelled ignored
    assert await _busy_hours(client, org, ann, "2026-06-08") == []  # EXDATE
    assert await _busy_hours(client, org, ann, "2026-06-15") == ["12"]  # RECURRENCE-ID
    assert await _busy_hours(client, org, ann, "2026-06-22") == ["10"]
    assert await _busy_hours(client, org, ann, "2026-06-29") == []  # COUNT=4 ended


@pytest.mark.parametrize(
    "body",
    [
        {"ics": "not a calendar"},
        {},
        {"ics": ICS, "url": "http://example.com/a.ics"},
        {"url": "ftp://example.com/a.ics"},
    ],
)
async def test_bad_imports_answer_422(client: httpx.AsyncClient, body: dict[str, str]) -> None:
    ann = await signup(client, "ann@example.com")
    r = await client.post("/api/v1/me/calendar-imports", json=body, headers=ann.auth)
    assert r.status_code == 422, r.text


@pytest.fixture
def ics_server(tmp_path: Path) -> Iterator[str]:
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
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


async def test_import_from_url(client: httpx.AsyncClient, ics_server: str) -> None:
    ann = await signup(client, "ann@example.com")
    org = await make_org(client, ann)
    await set_pattern(client, ann, every_day("08:00", "18:00"))
    r = await client.post(
        "/api/v1/me/calendar-imports", json={"url": f"{ics_server}/cal.ics"}, headers=ann.auth
    )
    assert r.status_code == 201, r.text
    assert r.json()["events"] == 4
    assert await _busy_hours(client, org, ann, "2026-06-01") == ["10"]
    r = await client.post(
        "/api/v1/me/calendar-imports", json={"url": f"{ics_server}/missing.ics"}, headers=ann.auth
    )
    assert r.status_code == 422
    # deleting the import frees the time again
    imports = (await client.get("/api/v1/me/calendar-imports", headers=ann.auth)).json()["items"]
    r = await client.delete(f"/api/v1/me/calendar-imports/{imports[0]['id']}", headers=ann.auth)
    assert r.status_code == 204
    assert await _busy_hours(client, org, ann, "2026-06-01") == []


async def test_imports_need_a_token(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/me/calendar-imports", json={"ics": ICS})
    assert r.status_code == 401
