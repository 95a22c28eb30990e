"""Events and bookings as the contract states them: capacity, sold out, cancel, waitlist."""

from __future__ import annotations

import asyncio

import httpx

from tests.integration.conftest import Person, add_member, make_org, signup

EVENT = {
    "name": "Spring Gala",
    "starts_at": "2027-04-10T19:00:00+01:00",
    "ends_at": "2027-04-10T23:00:00+01:00",
    "capacity": 3,
}


async def organiser(client: httpx.AsyncClient) -> tuple[Person, str]:
    owner = await signup(client, "org@example.com")
    return owner, await make_org(client, owner, "Evently")


async def make_event(
    client: httpx.AsyncClient, owner: Person, org: str, **overrides: object
) -> dict:  # type: ignore[type-arg]
    r = await client.post(
        f"/api/v1/orgs/{org}/events", json={**EVENT, **overrides}, headers=owner.auth
    )
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_create_event_answers_capacity_and_available(client: httpx.AsyncClient) -> None:
    owner, org = await organiser(client)
    event = await make_event(
        client, owner, org, description="Strings", category="music", venue="Hall"
    )
    assert event["capacity"] == 3 and event["available"] == 3
    assert event["starts_at"] == "2027-04-10T18:00:00Z" and event["ends_at"].endswith("Z")
    fan = await signup(client, "fan@example.com")
    seen = await client.get(f"/api/v1/events/{event['id']}", headers=fan.auth)
    assert seen.status_code == 200 and seen.json()["available"] == 3


async def test_only_managers_create_events_and_bad_input_is_422(client: httpx.AsyncClient) -> None:
    owner, org = await organiser(client)
    member = await signup(client, "mem@example.com")
    await add_member(client, org, owner, member, "member")
    r = await client.post(f"/api/v1/orgs/{org}/events", json=EVENT, headers=member.auth)
    assert r.status_code == 403
    for bad in (
        {"ends_at": "2027-04-10T18:00:00+01:00"},
        {"capacity": -1},
        {"name": ""},
        {"starts_at": "2027-04-10T19:00:00"},
        {"name": "n" * 201},
    ):
        r = await client.post(
            f"/api/v1/orgs/{org}/events", json={**EVENT, **bad}, headers=owner.auth
        )
        assert r.status_code == 422, bad


async def test_drafts_are_hidden_from_the_public(client: httpx.AsyncClient) -> None:
    owner, org = await organiser(client)
    draft = await make_event(client, owner, org, draft=True)
    fan = await signup(client, "fan@example.com")
    assert (await client.get(f"/api/v1/events/{draft['id']}", headers=fan.auth)).status_code == 404
    booking = await client.post(
        f"/api/v1/events/{draft['id']}/bookings", json={"quantity": 1}, headers=fan.auth
    )
    assert booking.status_code == 404
    published = await client.post(f"/api/v1/events/{draft['id']}/publish", headers=owner.auth)
    assert published.status_code == 200 and published.json()["published"] is True
    assert (await client.get(f"/api/v1/events/{draft['id']}", headers=fan.auth)).status_code == 200


async def test_booking_issues_one_signed_ticket_per_seat(client: httpx.AsyncClient) -> None:
    owner, org = await organiser(client)
    event = await make_event(client, owner, org)
    fan = await signup(client, "fan@example.com")
    r = await client.post(
        f"/api/v1/events/{event['id']}/bookings", json={"quantity": 2}, headers=fan.auth
    )
    assert r.status_code == 201
    booking = r.json()
    assert booking["status"] == "confirmed" and booking["quantity"] == 2
    assert booking["event_id"] == event["id"]
    assert len(booking["tickets"]) == 2
    assert len({t["code"] for t in booking["tickets"]}) == 2
    assert all(t["code"].startswith("CDT1.") for t in booking["tickets"])
    after = (await client.get(f"/api/v1/events/{event['id']}", headers=fan.auth)).json()
    assert after["available"] == 1
    for bad in (0, -1):
        r = await client.post(
            f"/api/v1/events/{event['id']}/bookings", json={"quantity": bad}, headers=fan.auth
        )
        assert r.status_code == 422


async def test_sold_out_is_409_with_a_stable_type(client: httpx.AsyncClient) -> None:
    owner, org = await organiser(client)
    event = await make_event(client, owner, org)
    fan = await signup(client, "fan@example.com")
    r = await client.post(
        f"/api/v1/events/{event['id']}/bookings", json={"quantity": 4}, headers=fan.auth
    )
    assert r.status_code == 409
    assert r.json()["type"].endswith("sold-out")
    assert (await client.get(f"/api/v1/events/{event['id']}", headers=fan.auth)).json()[
        "available"
    ] == 3


async def test_concurrent_bookings_never_oversell(client: httpx.AsyncClient) -> None:
    owner, org = await organiser(client)
    event = await make_event(client, owner, org, capacity=5)
    fans = [await signup(client, f"fan{i}@example.com") for i in range(8)]
    results = await asyncio.gather(
        *[
            client.post(
                f"/api/v1/events/{event['id']}/bookings", json={"quantity": 1}, headers=f.auth
            )
            for f in fans
        ]
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [201] * 5 + [409] * 3, codes
    after = (await client.get(f"/api/v1/events/{event['id']}", headers=owner.auth)).json()
    assert after["available"] == 0


async def test_a_booking_is_private_to_its_holder_and_managers(client: httpx.AsyncClient) -> None:
    owner, org = await organiser(client)
    event = await make_event(client, owner, org)
    fan = await signup(client, "fan@example.com")
    other = await signup(client, "other@example.com")
    booking = (
        await client.post(
            f"/api/v1/events/{event['id']}/bookings", json={"quantity": 1}, headers=fan.auth
        )
    ).json()
    assert (
        await client.get(f"/api/v1/bookings/{booking['id']}", headers=other.auth)
    ).status_code == 404
    assert (
        await client.post(f"/api/v1/bookings/{booking['id']}/cancel", headers=other.auth)
    ).status_code == 404
    assert (
        await client.get(f"/api/v1/bookings/{booking['id']}", headers=owner.auth)
    ).status_code == 200
    assert (
        await client.get(f"/api/v1/bookings/{booking['id']}", headers=fan.auth)
    ).status_code == 200


async def test_cancel_returns_seats_to_sale(client: httpx.AsyncClient) -> None:
    owner, org = await organiser(client)
    event = await make_event(client, owner, org)
    fan = await signup(client, "fan@example.com")
    booking = (
        await client.post(
            f"/api/v1/events/{event['id']}/bookings", json={"quantity": 3}, headers=fan.auth
        )
    ).json()
    r = await client.post(f"/api/v1/bookings/{booking['id']}/cancel", headers=fan.auth)
    assert r.status_code == 200 and r.json() == {"id": booking["id"], "status": "cancelled"}
    event_now = (await client.get(f"/api/v1/events/{event['id']}", headers=fan.auth)).json()
    assert event_now["available"] == 3
    again = await client.post(f"/api/v1/bookings/{booking['id']}/cancel", headers=fan.auth)
    assert again.status_code == 200 and again.json()["status"] == "cancelled"
    assert (await client.get(f"/api/v1/events/{event['id']}", headers=fan.auth)).json()[
        "available"
    ] == 3


async def test_freed_seats_go_to_the_waitlist_in_order(client: httpx.AsyncClient) -> None:
    owner, org = await organiser(client)
    event = await make_event(client, owner, org)
    buyer = await signup(client, "buyer@example.com")
    first = await signup(client, "first@example.com")
    second = await signup(client, "second@example.com")
    sold = (
        await client.post(
            f"/api/v1/events/{event['id']}/bookings", json={"quantity": 3}, headers=buyer.auth
        )
    ).json()
    w1 = await client.post(
        f"/api/v1/events/{event['id']}/waitlist", json={"quantity": 2}, headers=first.auth
    )
    w2 = await client.post(
        f"/api/v1/events/{event['id']}/waitlist", json={"quantity": 1}, headers=second.auth
    )
    assert w1.status_code == 201 and w1.json()["position"] == 1
    assert w2.status_code == 201 and w2.json()["position"] == 2
    await client.post(f"/api/v1/bookings/{sold['id']}/cancel", headers=buyer.auth)
    # Both entries fit into the three freed seats, so both hold offers; nothing left for sale.
    event_now = (await client.get(f"/api/v1/events/{event['id']}", headers=buyer.auth)).json()
    assert event_now["available"] == 0
    mine = (await client.get(f"/api/v1/waitlist/{w1.json()['id']}", headers=first.auth)).json()
    assert mine["status"] == "offered"
    took = await client.post(f"/api/v1/waitlist/{w1.json()['id']}/accept", headers=first.auth)
    assert took.status_code == 200 and took.json()["status"] == "confirmed"
    assert len(took.json()["tickets"]) == 2
    left = await client.post(f"/api/v1/waitlist/{w2.json()['id']}/leave", headers=second.auth)
    assert left.status_code == 200
    event_now = (await client.get(f"/api/v1/events/{event['id']}", headers=buyer.auth)).json()
    assert event_now["available"] == 1


async def test_checkin_once_and_refuse_forgeries(client: httpx.AsyncClient) -> None:
    owner, org = await organiser(client)
    event = await make_event(client, owner, org)
    fan = await signup(client, "fan@example.com")
    booking = (
        await client.post(
            f"/api/v1/events/{event['id']}/bookings", json={"quantity": 1}, headers=fan.auth
        )
    ).json()
    code = booking["tickets"][0]["code"]
    ok = await client.post(f"/api/v1/orgs/{org}/checkin", json={"code": code}, headers=owner.auth)
    assert ok.status_code == 200
    assert ok.json()["ticket_id"] == booking["tickets"][0]["id"]
    assert ok.json()["status"] == "checked_in"
    again = await client.post(
        f"/api/v1/orgs/{org}/checkin", json={"code": code}, headers=owner.auth
    )
    assert again.status_code == 409
    assert "already checked in at" in again.json()["detail"]
    prefix, payload, signature = code.split(".")
    forged = f"{prefix}.{payload}.{signature[:-4]}AAAA"
    for bad in (forged, "hello", code + "x"):
        r = await client.post(f"/api/v1/orgs/{org}/checkin", json={"code": bad}, headers=owner.auth)
        assert r.status_code == 422, bad
    other_owner = await signup(client, "rival@example.com")
    rival = await make_org(client, other_owner, "Rival")
    foreign = await client.post(
        f"/api/v1/orgs/{rival}/checkin", json={"code": code}, headers=other_owner.auth
    )
    assert foreign.status_code == 422


async def test_tickets_verify_offline_with_the_public_key(client: httpx.AsyncClient) -> None:
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    from cadence.booking.tickets import _unb64

    owner, org = await organiser(client)
    event = await make_event(client, owner, org)
    fan = await signup(client, "fan@example.com")
    booking = (
        await client.post(
            f"/api/v1/events/{event['id']}/bookings", json={"quantity": 1}, headers=fan.auth
        )
    ).json()
    key = (await client.get(f"/api/v1/orgs/{org}/ticket-key", headers=owner.auth)).json()
    public = load_pem_public_key(key["public_key_pem"].encode())
    _, payload, signature = booking["tickets"][0]["code"].split(".")
    public.verify(_unb64(signature), _unb64(payload))  # type: ignore[union-attr,call-arg]
