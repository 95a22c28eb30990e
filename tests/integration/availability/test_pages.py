"""The availability, find-a-time and "My calendar" pages render for a signed-in browser."""

from __future__ import annotations

import re

import httpx

from tests.integration.conftest import PASSWORD, make_org, signup
from tests.integration.web.test_pages import csrf_of


async def _browser_login(client: httpx.AsyncClient, email: str) -> None:
    """Sign in through the login form as someone new (the last person's cookies are dropped,
    as a shared browser would after logging out)."""
    client.cookies.clear()
    token = await csrf_of(client)
    r = await client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code in (200, 303), r.text[:500]


async def test_pages_render(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    org = await make_org(client, ann)
    await _browser_login(client, ann.email)
    for path in ("/availability", f"/orgs/{org}/find-a-time", "/calendar", "/calendar?view=month"):
        r = await client.get(path, headers={"Accept": "text/html"})
        assert r.status_code == 200, (path, r.text[:800])
        assert "<script>" not in r.text and "style=" not in r.text
    page = await client.get("/availability")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    weekly = '[{"weekday": 1, "start": "19:00", "end": "22:00", "level": "available"}]'
    r = await client.post(
        "/availability",
        data={"csrf_token": token.group(1), "weekly": weekly, "timezone": "Europe/London"},
    )
    assert r.status_code == 303
    got = (await client.get("/api/v1/me/availability", headers=ann.auth)).json()
    assert got["timezone"] == "Europe/London"
    assert got["weekly"][0]["start"] == "19:00"


async def test_my_calendar_shows_every_org_availability_and_conflicts(
    client: httpx.AsyncClient,
) -> None:
    ann = await signup(client, "ann@example.com")
    band = await make_org(client, ann, "The Band")
    choir = await make_org(client, ann, "Choir")
    zone = (await client.get("/api/v1/me", headers=ann.auth)).json()["timezone"]
    weekly = [
        {"weekday": 0, "start": "18:00", "end": "20:00", "level": "available"},
        {"weekday": 0, "start": "20:00", "end": "22:00", "level": "if_need_be"},
    ]
    r = await client.put(
        "/api/v1/me/availability", json={"timezone": zone, "weekly": weekly}, headers=ann.auth
    )
    assert r.status_code == 200, r.text
    # Monday 1 March 2027, local times in the person's zone.
    for org, name, start, end in (
        (band, "Rehearsal", "19:00", "21:00"),
        (choir, "Choir practice", "20:30", "21:30"),
        (band, "Breakfast", "08:00", "09:00"),
    ):
        r = await client.post(
            f"/api/v1/orgs/{org}/calendar-events",
            json={
                "name": name,
                "starts_at": f"2027-03-01T{start}:00",
                "ends_at": f"2027-03-01T{end}:00",
                "timezone": zone,
            }
            | _local(zone, start, end),
            headers=ann.auth,
        )
        assert r.status_code == 201, r.text
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\n"
        "UID:dentist@t\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270302T100000Z\r\n"
        "DTEND:20270302T110000Z\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    r = await client.post("/api/v1/me/calendar-imports", json={"ics": ics}, headers=ann.auth)
    assert r.status_code == 201, r.text
    await _browser_login(client, ann.email)

    week = await client.get("/calendar?view=week&start=2027-03-03")  # any day of that week
    assert week.status_code == 200, week.text[:800]
    html = week.text
    assert "<script>" not in html and "style=" not in html
    assert 'src="/static/my-calendar.js"' in html
    for text in ("Rehearsal", "Choir practice", "The Band", "Choir", "Mon 01", "Sun 07"):
        assert text in html, text
    assert "overlaps Choir practice" in html and "overlaps Rehearsal" in html
    assert html.count('title="outside your availability"') == 1  # the breakfast only
    assert 'shade-available" data-from="1080" data-to="1200"' in html
    assert 'shade-if_need_be" data-from="1200" data-to="1320"' in html
    assert "shade-busy" in html  # the imported dentist appointment, on Tuesday
    assert 'data-from="1140" data-to="1260"' in html  # the rehearsal, 19:00-21:00

    month = await client.get("/calendar?view=month&start=2027-03-20")
    assert month.status_code == 200
    assert "March 2027" in month.text and "Mon 01" in month.text and "Wed 31" in month.text
    assert "Choir practice" in month.text and "overlaps Rehearsal" in month.text


def _local(zone: str, start: str, end: str) -> dict[str, str]:
    """RFC 3339 instants of wall-clock times on 1 March 2027 in ``zone``."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    def at(hhmm: str) -> str:
        h, m = map(int, hhmm.split(":"))
        return datetime(2027, 3, 1, h, m, tzinfo=ZoneInfo(zone)).isoformat()

    return {"starts_at": at(start), "ends_at": at(end)}
