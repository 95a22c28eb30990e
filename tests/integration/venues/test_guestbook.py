"""The guest book: profiles found or made by reservations, counters, notes, consent,
export and erasure on request (by staff, and through the guest's own account)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from cadence.clock import FrozenClock
from cadence.venues.models import Reservation, VenueGuest
from tests.integration.conftest import PASSWORD, Person, add_member, make_org, signup
from tests.integration.venues.floor import Floor, build_floor, reserve

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
FRI_19 = "2026-06-05T19:00:00+01:00"
SAT_19 = "2026-06-06T19:00:00+01:00"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


async def setup(client: httpx.AsyncClient) -> tuple[Person, Person, Floor, Person]:
    owner = await signup(client, "owner@bluedoor.example")
    org = await make_org(client, owner, "The Blue Door")
    floor = await build_floor(client, owner, org)
    staff = await signup(client, "staff@bluedoor.example")
    await add_member(client, org, owner, staff, "member")
    guest = await signup(client, "Grace@Example.com", "Grace Guest")
    return owner, staff, floor, guest


async def test_reservations_keep_one_profile_per_guest_with_its_counters(
    client: httpx.AsyncClient,
) -> None:
    owner, staff, floor, guest = await setup(client)
    base = f"/api/v1/orgs/{floor.org}/venue"
    first = (await reserve(client, guest, floor, FRI_19, 2, marketing_consent=True)).json()
    second = (await reserve(client, guest, floor, SAT_19, 3)).json()
    # staff take a call from the same guest (email in other letters): the same profile
    phoned = await client.post(
        f"{base}/reservations",
        json={
            "starts_at": "2026-06-04T19:00:00+01:00",
            "party_size": 2,
            "guest_name": "Grace G.",
            "guest_email": "grace@EXAMPLE.com",
            "guest_phone": "+44 20 7946 0000",
        },
        headers=staff.auth,
    )
    assert phoned.status_code == 201, phoned.text
    walk_in = await client.post(
        f"{base}/reservations",
        json={"starts_at": FRI_19, "party_size": 2, "guest_name": "Walk-in", "source": "walk_in"},
        headers=staff.auth,
    )
    assert walk_in.json()["guest_id"] is None  # no contact details: no profile
    guests = (await client.get(f"{base}/guests", headers=staff.auth)).json()["items"]
    assert len(guests) == 1
    g = guests[0]
    assert g["name"] == "Grace Guest" and g["has_account"] is True
    assert g["phone"] == "+44 20 7946 0000" and g["marketing_consent"] is True
    assert g["marketing_consent_at"] == "2026-06-01T09:00:00Z"
    assert {phoned.json()["guest_id"]} == {g["id"]}

    status = f"{base}/reservations/{{}}/status"
    for step in ("seated", "completed"):
        r = await client.post(status.format(first["id"]), json={"status": step}, headers=staff.auth)
        assert r.status_code == 200
    r = await client.post(
        status.format(second["id"]), json={"status": "no_show"}, headers=staff.auth
    )
    assert r.status_code == 200
    r = await client.post(
        status.format(phoned.json()["id"]), json={"status": "cancelled"}, headers=staff.auth
    )
    r = await client.patch(
        f"{base}/guests/{g['id']}",
        json={"notes": "Prefers the window", "tags": ["VIP", " Allergy:  nuts ", "vip"]},
        headers=staff.auth,
    )
    assert r.status_code == 200, r.text
    detail = r.json()
    assert detail["tags"] == ["vip", "allergy: nuts"]
    assert (detail["visit_count"], detail["no_show_count"], detail["cancel_count"]) == (1, 1, 1)
    assert detail["last_visit_at"] == "2026-06-05T18:00:00Z"
    assert [h["status"] for h in detail["history"]] == ["no_show", "completed", "cancelled"]
    # the floor shows the guest at a glance
    view = await client.get(f"{base}/floor", params={"day": "2026-06-06"}, headers=staff.auth)
    saturday = [x for t in view.json()["tables"] for x in t["reservations"]]
    assert saturday[0]["guest"] == {
        "id": g["id"],
        "tags": ["vip", "allergy: nuts"],
        "visit_count": 1,
        "no_show_count": 1,
    }
    found = await client.get(f"{base}/guests", params={"tag": "VIP"}, headers=staff.auth)
    assert [x["id"] for x in found.json()["items"]] == [g["id"]]
    found = await client.get(f"{base}/guests", params={"q": "7946"}, headers=staff.auth)
    assert len(found.json()["items"]) == 1
    found = await client.get(f"{base}/guests", params={"q": "nobody"}, headers=staff.auth)
    assert found.json()["items"] == []
    # the guest sees that the venue keeps a profile, not the staff notes, and can opt out
    mine = (await client.get("/api/v1/me/venue-profiles", headers=guest.auth)).json()["items"]
    assert mine == [
        {
            "id": g["id"],
            "venue_name": "The Blue Door",
            "name": "Grace Guest",
            "preferences": None,
            "marketing_consent": True,
        }
    ]
    r = await client.put(
        f"/api/v1/me/venue-profiles/{g['id']}/consent",
        json={"marketing_consent": False},
        headers=guest.auth,
    )
    assert r.status_code == 200 and r.json()["marketing_consent"] is False
    other = await signup(client, "other@example.com")
    r = await client.put(
        f"/api/v1/me/venue-profiles/{g['id']}/consent",
        json={"marketing_consent": True},
        headers=other.auth,
    )
    assert r.status_code == 404
    assert owner.id  # the owner set the floor up; staff did the rest as members


async def test_staff_export_and_erase_a_guest_on_request(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner, staff, floor, _ = await setup(client)
    base = f"/api/v1/orgs/{floor.org}/venue/guests"
    made = await client.post(
        base,
        json={
            "name": "Pat Phone",
            "phone": "+44 20 7946 0999",
            "tags": ["regular"],
            "notes": "Likes table 4",
        },
        headers=staff.auth,
    )
    assert made.status_code == 201, made.text
    pat = made.json()
    r = await client.post(
        f"/api/v1/orgs/{floor.org}/venue/reservations",
        json={
            "starts_at": FRI_19,
            "party_size": 2,
            "guest_name": "Pat",
            "guest_id": pat["id"],
            "guest_note": "Birthday cake at 9",
        },
        headers=staff.auth,
    )
    assert r.status_code == 201 and r.json()["guest_id"] == pat["id"]
    reservation_id = r.json()["id"]
    assert (await client.get(f"{base}/{pat['id']}/export", headers=staff.auth)).status_code == 403
    export = await client.get(f"{base}/{pat['id']}/export", headers=owner.auth)
    assert export.status_code == 200
    data = export.json()
    assert data["venue"] == "The Blue Door" and data["profile"]["notes"] == "Likes table 4"
    assert [x["guest_note"] for x in data["reservations"]] == ["Birthday cake at 9"]
    assert (await client.delete(f"{base}/{pat['id']}", headers=staff.auth)).status_code == 403
    assert (await client.delete(f"{base}/{pat['id']}", headers=owner.auth)).status_code == 204
    assert (await client.get(f"{base}/{pat['id']}", headers=owner.auth)).status_code == 404
    kept = await client.get(
        f"/api/v1/orgs/{floor.org}/venue/reservations/{reservation_id}", headers=owner.auth
    )
    body = kept.json()
    assert body["guest_name"] == "Erased guest" and body["guest_phone"] is None
    assert body["guest_note"] is None and body["guest_id"] is None and body["party_size"] == 2
    # another organisation's staff never see the guest book
    stranger = await signup(client, "stranger@example.com")
    await make_org(client, stranger, "Elsewhere")
    assert (await client.get(base, headers=stranger.auth)).status_code == 404


async def test_a_guest_deleting_their_account_is_forgotten_by_the_venue(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    _, staff, floor, guest = await setup(client)
    r = await reserve(client, guest, floor, FRI_19, 2, guest_note="Nut allergy", guest_phone="0711")
    assert r.status_code == 201
    reservation_id = r.json()["id"]
    export = await client.get("/api/v1/me/export", headers=guest.auth)
    assert export.status_code == 200
    book = export.json()["venue_guest_book"]
    assert book["profiles"][0]["venue"] == "The Blue Door"
    assert book["profiles"][0]["reservations"][0]["guest_note"] == "Nut allergy"
    r = await client.post("/api/v1/me/delete", json={"password": PASSWORD}, headers=guest.auth)
    assert r.status_code == 204, r.text
    async with app.state.cadence.sessions() as session:
        assert (await session.scalars(select(VenueGuest))).all() == []
        kept = (await session.scalars(select(Reservation))).one()
        assert kept.id == reservation_id and kept.guest_name == "Erased guest"
        assert (kept.guest_email, kept.guest_phone, kept.guest_note, kept.user_id) == (
            None,
            None,
            None,
            None,
        )
    assert staff.id
