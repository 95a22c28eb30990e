"""The venue pages (settings, guest form, the floor of a night) and the demo data."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from cadence.accounts import orgs, service
from cadence.clock import FrozenClock
from cadence.context import unit_of_work
from cadence.venues.demo import load_demo
from cadence.venues.models import Reservation
from tests.integration.web.test_pages import HTML, create_org, register_and_login

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


async def test_staff_sets_up_a_venue_a_guest_reserves_and_staff_seats_them(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    token = await register_and_login(client, "owner@bluedoor.example", "Olive")
    org_url = await create_org(client, token, "The Blue Door")
    org_id = org_url.rstrip("/").split("/")[-1]
    base = f"/orgs/{org_id}/venue"
    r = await client.get(base, headers=HTML)
    assert r.status_code == 200 and "Take reservations online" in r.text
    form = {
        "csrf_token": token,
        "name": "The Blue Door",
        "timezone": "Europe/London",
        "published": "on",
        "slot_minutes": "120",
    }
    assert (await client.post(f"{base}/settings", data=form)).status_code == 303
    hours = {"csrf_token": token}
    for d in range(7):
        hours[f"start_{d}"], hours[f"end_{d}"] = "17:00", "23:00"
    assert (await client.post(f"{base}/hours", data=hours)).status_code == 303
    assert (
        await client.post(f"{base}/areas", data={"csrf_token": token, "name": "Main"})
    ).status_code == 303
    page = await client.get(base, headers=HTML)
    area_id = page.text.split('<select id="t_area" name="area_id"><option value="')[1][:32]
    r = await client.post(
        f"{base}/tables",
        data={
            "csrf_token": token,
            "name": "Six-top",
            "area_id": area_id,
            "seats_min": "2",
            "seats_max": "6",
        },
    )
    assert r.status_code == 303
    async with app.state.cadence.sessions() as session:
        from cadence.venues.models import Venue

        venue_id = (await session.scalars(select(Venue.id))).one()
    r = await client.get(
        f"/venues/{venue_id}/reserve", params={"day": "2026-06-05", "party_size": 6}, headers=HTML
    )
    assert r.status_code == 200 and "19:00" in r.text
    r = await client.post(
        f"/venues/{venue_id}/reserve",
        data={
            "csrf_token": token,
            "party_size": "6",
            "starts_at": "2026-06-05T19:00:00+01:00",
            "occasion": "Birthday",
            "note": "Gluten free",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == "/my-reservations"
    mine = await client.get("/my-reservations", headers=HTML)
    assert "Fri 05 Jun 2026, 19:00" in mine.text and "Six-top" in mine.text
    r = await client.post(
        f"/venues/{venue_id}/reserve",
        data={"csrf_token": token, "party_size": "6", "starts_at": "2026-06-05T19:00:00+01:00"},
    )
    assert r.status_code == 303 and "party_size=6" in r.headers["location"]
    floor = await client.get(f"{base}/floor", params={"day": "2026-06-05"}, headers=HTML)
    assert floor.status_code == 200
    assert "Olive (6)" in floor.text and "Gluten free" in floor.text
    async with app.state.cadence.sessions() as session:
        rid = (await session.scalars(select(Reservation.id))).one()
    r = await client.post(
        f"{base}/reservations/{rid}/status", data={"csrf_token": token, "status": "seated"}
    )
    assert r.status_code == 303
    floor = await client.get(f"{base}/floor", params={"day": "2026-06-05"}, headers=HTML)
    assert "res-seated" in floor.text


async def test_demo_data_loads_the_blue_door(app: FastAPI) -> None:
    state = app.state.cadence
    async with unit_of_work(state.sessions, state.settings, state.clock) as ctx:
        users = {}
        for key in ("owner", "manager", "singer", "drummer", "bassist", "viewer"):
            users[key] = await service.register(
                ctx, email=f"{key}@demo.example", password="cadence-demo", name=key.title()
            )
        ctx.actor_id = users["owner"].id
        org = await orgs.create_org(
            ctx, users["owner"], name="The Blue Door", timezone="Europe/London", kind="venue"
        )
        venue = await load_demo(ctx, org, users)
    async with state.sessions() as session:
        rows = (
            await session.scalars(select(Reservation).where(Reservation.venue_id == venue.id))
        ).all()
        assert len(rows) == 4
        statuses = sorted(r.status for r in rows)
        assert statuses == ["confirmed", "confirmed", "confirmed", "pending"]
        assert await session.scalar(select(func.count()).select_from(Reservation)) == 4
