"""The events web pages: dashboard, stale edits, listing filters, booking and tickets."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from cadence.booking.models import CapacityPool
from cadence.context import unit_of_work
from cadence.http.state import AppState
from tests.integration.web.test_pages import create_org, register_and_login


async def _event(client: httpx.AsyncClient, token: str, org: str, **extra: str) -> str:
    form = {
        "name": "Jazz Night",
        "starts_at": "2030-05-01T20:00",
        "ends_at": "2030-05-01T23:00",
        "capacity": "3",
        "csrf_token": token,
        **extra,
    }
    r = await client.post(f"/orgs/{org}/events", data=form)
    assert r.status_code == 303, r.text
    return r.headers["location"].split("/")[2]


async def test_create_publish_edit_with_a_stale_version_and_book(
    client: httpx.AsyncClient,
) -> None:
    token = await register_and_login(client, "ora@example.com", "Ora")
    org = (await create_org(client, token, "Evently")).rsplit("/", 1)[1]
    bad = await client.post(
        f"/orgs/{org}/events",
        data={
            "name": "X",
            "starts_at": "soon",
            "ends_at": "",
            "capacity": "1",
            "csrf_token": token,
        },
    )
    assert bad.status_code == 422 and "Give a date and time" in bad.text
    event = await _event(client, token, org, category="music", venue="Blue Room")
    page = await client.get(f"/events/{event}/manage")
    assert (
        page.status_code == 200 and "Draft" in page.text and 'name="version" value="1"' in page.text
    )
    r = await client.post(f"/events/{event}/publish", data={"csrf_token": token})
    assert r.status_code == 303
    edit = {
        "name": "Jazz Night II",
        "starts_at": "2030-05-01T20:00",
        "ends_at": "2030-05-01T23:30",
        "capacity": "3",
        "csrf_token": token,
    }
    stale = await client.post(f"/events/{event}/manage", data={**edit, "version": "1"})
    assert stale.status_code == 409
    assert "Someone else changed this event" in stale.text
    assert 'name="version" value="2"' in stale.text
    ok = await client.post(f"/events/{event}/manage", data={**edit, "version": "2"})
    assert ok.status_code == 303

    listing = await client.get("/events", params={"q": "jazz", "price": "free", "available": "1"})
    assert "Jazz Night II" in listing.text
    assert "Jazz Night II" not in (await client.get("/events", params={"price": "paid"})).text
    assert (
        "Jazz Night II"
        not in (await client.get("/events", params={"starts_from": "2031-01-01"})).text
    )
    fragment = await client.get("/events", params={"q": "jazz"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "Jazz Night II" in fragment.text

    booked = await client.post(f"/events/{event}/book", data={"quantity": "2", "csrf_token": token})
    assert booked.status_code == 303
    booking_url = booked.headers["location"]
    shown = await client.get(booking_url)
    assert shown.status_code == 200 and shown.text.count("<svg") == 2
    too_many = await client.post(
        f"/events/{event}/book", data={"quantity": "5", "csrf_token": token}
    )
    assert too_many.status_code == 303 and too_many.headers["location"] == f"/events/{event}"
    mine = await client.get("/me/bookings")
    assert "Upcoming tickets" in mine.text and mine.text.count("<svg") == 2
    manage = await client.get(f"/events/{event}/manage")
    assert 'id="seats-left">1<' in manage.text


async def test_door_page_checks_in_once(client: httpx.AsyncClient) -> None:
    token = await register_and_login(client, "ora@example.com", "Ora")
    org = (await create_org(client, token, "Evently")).rsplit("/", 1)[1]
    event = await _event(client, token, org)
    await client.post(f"/events/{event}/publish", data={"csrf_token": token})
    booked = await client.post(f"/events/{event}/book", data={"quantity": "1", "csrf_token": token})
    booking_id = booked.headers["location"].rsplit("/", 1)[1]
    page = await client.get(f"/orgs/{org}/door")
    assert page.status_code == 200 and "Ticket code" in page.text
    shown = await client.get(f"/bookings/{booking_id}")
    code = re.search(r'<code class="ticket-code">([^<]+)</code>', shown.text)
    assert code is not None
    first = await client.post(f"/orgs/{org}/door", data={"code": code[1], "csrf_token": token})
    assert "Welcome in" in first.text
    again = await client.post(f"/orgs/{org}/door", data={"code": code[1], "csrf_token": token})
    assert "Already checked in" in again.text
    assert re.search(r"already checked in at \d\d:\d\d by Ora", again.text)
    forged = await client.post(
        f"/orgs/{org}/door", data={"code": "CDT1.bad.code", "csrf_token": token}
    )
    assert "Refused" in forged.text


async def test_sales_window_typed_in_a_clock_change(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    """The organiser's form sends local times in the event's zone (Europe/London here): a
    time the clocks skip is refused with a message, a time they repeat is its first one."""
    token = await register_and_login(client, "ora@example.com", "Ora")
    org = (await create_org(client, token, "Evently")).rsplit("/", 1)[1]
    event = await _event(client, token, org)
    form = {"name": "Early", "price": "0", "quota": "5", "csrf_token": token}

    skipped = await client.post(
        f"/events/{event}/ticket-types", data={**form, "sales_start": "2030-03-31T01:30"}
    )
    assert skipped.status_code == 303
    assert await _sales_starts(app, event) == []

    repeated = await client.post(
        f"/events/{event}/ticket-types", data={**form, "sales_start": "2030-10-27T01:30"}
    )
    assert repeated.status_code == 303
    assert await _sales_starts(app, event) == [datetime(2030, 10, 27, 0, 30, tzinfo=UTC)]


async def _sales_starts(app: FastAPI, event_id: str) -> list[datetime | None]:
    state: AppState = app.state.cadence
    async with unit_of_work(state.read_sessions, state.settings, state.clock) as ctx:
        rows = await ctx.session.scalars(
            select(CapacityPool.sales_start).where(
                CapacityPool.event_id == event_id, CapacityPool.kind == "ticket_type"
            )
        )
        return list(rows)
