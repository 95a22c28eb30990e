"""Table reservations through the API: assignment, alternatives, lifecycle, notices, tenancy."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from cadence.clock import FrozenClock
from cadence.jobs.models import Job
from cadence.notify.models import OutboxEmail
from cadence.realtime.models import DomainEvent
from tests.integration.conftest import Person, add_member, make_org, signup
from tests.integration.venues.floor import Floor, build_floor, reserve

# Monday 1 June 2026, 10:00 in London; Friday 5 June is open 17:00-02:00 (BST, UTC+1).
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
FRI_19 = "2026-06-05T19:00:00+01:00"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


async def setup(client: httpx.AsyncClient, **settings: object) -> tuple[Person, Floor, Person]:
    owner = await signup(client, "owner@bluedoor.example")
    org = await make_org(client, owner, "The Blue Door")
    floor = await build_floor(client, owner, org, **settings)
    guest = await signup(client, "guest@example.com", "Grace Guest")
    return owner, floor, guest


def tables_of(floor: Floor, body: dict) -> set[str]:  # type: ignore[type-arg]
    return {floor.names[t["id"]] for t in body["tables"]}


async def test_smallest_fitting_table_then_combination(client: httpx.AsyncClient) -> None:
    _, floor, guest = await setup(client)
    first = await reserve(
        client,
        guest,
        floor,
        FRI_19,
        2,
        occasion="Birthday",
        guest_note="One of us is allergic to nuts",
    )
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["status"] == "confirmed"
    assert tables_of(floor, body) == {"T1"}
    assert body["starts_at"] == "2026-06-05T18:00:00Z" and body["ends_at"] == "2026-06-05T20:00:00Z"
    assert body["guest_note"] == "One of us is allergic to nuts"
    assert "staff_note" not in body
    # two more couples take the other two-tops, then a four takes the free four-top
    seen = [
        tables_of(floor, (await reserve(client, guest, floor, FRI_19, 2)).json()) for _ in range(2)
    ]
    assert seen == [{"T2"}, {"T3"}]
    four = (await reserve(client, guest, floor, FRI_19, 4, area_id=floor.areas["Main room"])).json()
    assert tables_of(floor, four) == {"T4"}
    five = (await reserve(client, guest, floor, FRI_19, 5)).json()
    assert tables_of(floor, five) == {"T6"}
    terrace = (await reserve(client, guest, floor, FRI_19, 3)).json()
    assert tables_of(floor, terrace) == {"P1"}
    full = await reserve(client, guest, floor, FRI_19, 2)
    assert full.status_code == 409
    problem = full.json()
    assert problem["type"].endswith("no-table-available")
    # the nearest free starts that evening: after 21:15 local (slot + turnover), or before 17
    assert problem["alternatives"]
    assert all(a.endswith("Z") for a in problem["alternatives"])
    assert "2026-06-05T20:15:00Z" in problem["alternatives"]


async def test_combines_adjacent_tables_for_a_party_no_single_table_fits(
    client: httpx.AsyncClient,
) -> None:
    owner, floor, guest = await setup(client)
    base = f"/api/v1/orgs/{floor.org}/venue"
    for name in ("T4", "T6", "P1"):
        r = await client.patch(
            f"{base}/tables/{floor.tables[name]}", json={"active": False}, headers=owner.auth
        )
        assert r.status_code == 200
    r = await reserve(client, guest, floor, FRI_19, 4)
    assert r.status_code == 201, r.text
    assert tables_of(floor, r.json()) == {"T2", "T3"}
    floor_view = await client.get(f"{base}/floor", params={"day": "2026-06-05"}, headers=owner.auth)
    assert floor_view.status_code == 200
    held = {t["table"]["name"]: len(t["reservations"]) for t in floor_view.json()["tables"]}
    assert held["T2"] == 1 and held["T3"] == 1 and held["T1"] == 0


async def test_rules_closed_days_lead_time_party_size(client: httpx.AsyncClient) -> None:
    owner, floor, guest = await setup(client)
    monday = await reserve(client, guest, floor, "2026-06-08T19:00:00+01:00", 2)
    assert monday.status_code == 409 and monday.json()["alternatives"] == []
    too_late = await reserve(client, guest, floor, "2026-06-05T22:00:00+01:00", 2)
    assert too_late.status_code == 201  # Friday runs until 02:00
    past_close = await reserve(client, guest, floor, "2026-06-04T22:00:00+01:00", 2)
    assert past_close.status_code == 409  # Thursday closes at 23:00: 2 h do not fit
    soon = await reserve(client, guest, floor, "2026-06-01T09:30:00Z", 2)
    assert soon.status_code == 422
    odd = await reserve(client, guest, floor, "2026-06-05T19:05:00+01:00", 2)
    assert odd.status_code == 422
    huge = await reserve(client, guest, floor, FRI_19, 13)
    assert huge.status_code == 422
    # a dated closure wins over the weekly hours
    r = await client.post(
        f"/api/v1/orgs/{floor.org}/venue/exceptions",
        json={"day": "2026-06-06", "closed": True, "note": "Private party"},
        headers=owner.auth,
    )
    assert r.status_code == 201, r.text
    closed = await reserve(client, guest, floor, "2026-06-06T19:00:00+01:00", 2)
    assert closed.status_code == 409
    times = await client.get(
        f"/api/v1/venues/{floor.venue['id']}/times",
        params={"day": "2026-06-06", "party_size": 2},
        headers=guest.auth,
    )
    assert times.status_code == 200 and times.json()["times"] == []
    times = await client.get(
        f"/api/v1/venues/{floor.venue['id']}/times",
        params={"day": "2026-06-05", "party_size": 2},
        headers=guest.auth,
    )
    starts = [t["starts_at"] for t in times.json()["times"]]
    assert starts[0] == "2026-06-05T16:00:00Z" and starts[-1] == "2026-06-05T23:00:00Z"


async def test_lifecycle_pending_deposit_seat_complete_no_show_cancel(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner, floor, guest = await setup(client, approval_party_size=5)
    staff = await signup(client, "staff@bluedoor.example")
    await add_member(client, floor.org, owner, staff, "member")
    base = f"/api/v1/orgs/{floor.org}/venue/reservations"
    big = (await reserve(client, guest, floor, FRI_19, 6)).json()
    assert big["status"] == "pending" and tables_of(floor, big) == {"T6"}
    r = await client.post(
        f"{base}/{big['id']}/status", json={"status": "confirmed"}, headers=staff.auth
    )
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    r = await client.post(
        f"{base}/{big['id']}/status", json={"status": "completed"}, headers=staff.auth
    )
    assert r.status_code == 409  # not seated yet
    for step in ("seated", "completed"):
        r = await client.post(
            f"{base}/{big['id']}/status", json={"status": step}, headers=staff.auth
        )
        assert r.status_code == 200 and r.json()["status"] == step
    # a no-show frees the table for someone else
    couple = (await reserve(client, guest, floor, FRI_19, 2)).json()
    r = await client.post(
        f"{base}/{couple['id']}/status", json={"status": "no_show"}, headers=staff.auth
    )
    assert r.status_code == 200
    again = (await reserve(client, guest, floor, FRI_19, 2)).json()
    assert tables_of(floor, again) == tables_of(floor, couple)
    # the guest cancels their own; a deposit is due for parties of eight or more... (max 6
    # seats here, so through staff on a combined choice of tables)
    r = await client.post(f"/api/v1/reservations/{again['id']}/cancel", headers=guest.auth)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    r = await client.post(f"/api/v1/reservations/{again['id']}/cancel", headers=guest.auth)
    assert r.status_code == 409
    # staff push the six-top and T4 together for the night (combinable neighbours: 7-10)
    for name, other in (("T6", "T4"), ("T4", "T6")):
        r = await client.patch(
            f"/api/v1/orgs/{floor.org}/venue/tables/{floor.tables[name]}",
            json={"combinable": True, "neighbours": [floor.tables[other]]},
            headers=owner.auth,
        )
        assert r.status_code == 200, r.text
    walk_in = await client.post(
        base,
        json={
            "starts_at": "2026-06-05T21:00:00+01:00",
            "party_size": 8,
            "guest_name": "Bob",
            "table_ids": [floor.tables["T6"], floor.tables["T4"]],
            "source": "walk_in",
            "staff_note": "regular, VIP",
        },
        headers=staff.auth,
    )
    assert walk_in.status_code == 201, walk_in.text
    w = walk_in.json()
    assert w["status"] == "seated" and w["staff_note"] == "regular, VIP"
    assert w["deposit"] == {
        "amount_cents": 8000,
        "currency": "EUR",
        "status": "due",
        "provider": "manual",
        "held_until": None,  # staff take the deposit by hand: no hold
        "checkout_url": None,
    }
    r = await client.patch(f"{base}/{w['id']}", json={"deposit_status": "paid"}, headers=staff.auth)
    assert r.status_code == 200 and r.json()["deposit"]["status"] == "paid"
    mine = await client.get("/api/v1/me/reservations", headers=guest.auth)
    assert mine.status_code == 200 and len(mine.json()["items"]) == 3
    assert mine.json()["next_cursor"] is None
    async with app.state.cadence.sessions() as session:
        emails = (await session.scalars(select(OutboxEmail))).all()
        kinds = sorted(e.kind for e in emails if e.to_addr == guest.email)
        assert kinds.count("venue.reservation.confirmed") == 3
        assert "venue.reservation.requested" in kinds and "venue.reservation.cancelled" in kinds
        types = [e.type for e in (await session.scalars(select(DomainEvent))).all()]
        assert types.count("reservation.created") == 4 and "reservation.updated" in types
        reminders = (await session.scalars(select(Job).where(Job.kind == "venues.reminder"))).all()
        assert len(reminders) == 3
        assert {j.run_at for j in reminders} == {datetime(2026, 6, 4, 18, 0, tzinfo=UTC)}


async def test_event_night_carries_a_deposit_and_shows_on_the_floor(
    client: httpx.AsyncClient,
) -> None:
    owner, floor, guest = await setup(client)
    night = await client.post(
        f"/api/v1/orgs/{floor.org}/venue/event-nights",
        json={
            "name": "Jazz Friday",
            "starts_at": "2026-06-05T20:00:00+01:00",
            "ends_at": "2026-06-06T01:00:00+01:00",
            "capacity": 80,
            "deposit_cents_per_person": 500,
        },
        headers=owner.auth,
    )
    assert night.status_code == 201, night.text
    event = await client.get(f"/api/v1/events/{night.json()['event_id']}", headers=guest.auth)
    assert event.status_code == 200 and event.json()["capacity"] == 80
    r = (await reserve(client, guest, floor, FRI_19, 2)).json()
    assert r["deposit"]["amount_cents"] == 1000 and r["event_night_id"] == night.json()["id"]
    view = await client.get(
        f"/api/v1/orgs/{floor.org}/venue/floor", params={"day": "2026-06-05"}, headers=owner.auth
    )
    assert [n["name"] for n in view.json()["event_nights"]] == ["Jazz Friday"]
    assert view.json()["opens"] == [
        {"starts_at": "2026-06-05T16:00:00Z", "ends_at": "2026-06-06T01:00:00Z"}
    ]


async def test_roles_and_other_tenants(client: httpx.AsyncClient) -> None:
    owner, floor, guest = await setup(client)
    member = await signup(client, "member@bluedoor.example")
    await add_member(client, floor.org, owner, member, "member")
    base = f"/api/v1/orgs/{floor.org}/venue"
    r = await client.post(f"{base}/areas", json={"name": "Bar"}, headers=member.auth)
    assert r.status_code == 403
    r = await client.get(f"{base}/floor", params={"day": "2026-06-05"}, headers=guest.auth)
    assert r.status_code == 404
    res = (await reserve(client, guest, floor, FRI_19, 2)).json()
    stranger = await signup(client, "stranger@example.com")
    for url in (f"/api/v1/reservations/{res['id']}",):
        assert (await client.get(url, headers=stranger.auth)).status_code == 404
        assert (await client.get(url, headers=member.auth)).status_code == 200
    r = await client.post(f"/api/v1/reservations/{res['id']}/cancel", headers=stranger.auth)
    assert r.status_code == 404
    # an unpublished venue is private to its organisation
    r = await client.put(
        base,
        json={**{k: floor.venue[k] for k in ("name", "timezone")}, "published": False},
        headers=owner.auth,
    )
    assert r.status_code == 200
    r = await client.get(f"/api/v1/venues/{floor.venue['id']}", headers=stranger.auth)
    assert r.status_code == 404
    assert (await client.get("/api/v1/venues", headers=stranger.auth)).json()["items"] == []


async def test_guest_moves_reservation_and_gets_a_new_table(client: httpx.AsyncClient) -> None:
    _, floor, guest = await setup(client)
    res = (await reserve(client, guest, floor, FRI_19, 2)).json()
    r = await client.patch(
        f"/api/v1/reservations/{res['id']}",
        json={"party_size": 5, "guest_note": "pram"},
        headers=guest.auth,
    )
    assert r.status_code == 200, r.text
    assert tables_of(floor, r.json()) == {"T6"} and r.json()["guest_note"] == "pram"
    # the old table is free again
    other = (await reserve(client, guest, floor, FRI_19, 2)).json()
    assert tables_of(floor, other) == {"T1"}
