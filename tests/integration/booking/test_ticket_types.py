"""Ticket types: several priced quotas under one event's seats, booked atomically."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.integration.booking.helpers import available, event_of, organiser, ticket_type
from tests.integration.conftest import add_member, signup


async def test_types_are_created_listed_and_updated_by_managers(client: httpx.AsyncClient) -> None:
    owner, org = await organiser(client)
    event = await event_of(client, owner, org)
    vip = await ticket_type(client, owner, event["id"], name="VIP", price_cents=5000, quota=2)
    assert vip["available"] == 2 and vip["on_sale"] is True and vip["currency"] == "EUR"
    member = await signup(client, "mem@example.com")
    await add_member(client, org, owner, member, "member")
    r = await client.post(
        f"/api/v1/events/{event['id']}/ticket-types",
        json={"name": "X", "price_cents": 1, "quota": 1},
        headers=member.auth,
    )
    assert r.status_code == 403
    fan = await signup(client, "fan@example.com")
    listed = await client.get(f"/api/v1/events/{event['id']}/ticket-types", headers=fan.auth)
    assert [t["name"] for t in listed.json()["items"]] == ["VIP"]
    r = await client.patch(
        f"/api/v1/events/{event['id']}/ticket-types/{vip['id']}",
        json={"quota": 3, "price_cents": 6000},
        headers=owner.auth,
    )
    assert r.status_code == 200 and r.json()["quota"] == 3 and r.json()["price_cents"] == 6000
    bad = await client.post(
        f"/api/v1/events/{event['id']}/ticket-types",
        json={
            "name": "Bad",
            "price_cents": 1,
            "quota": 1,
            "sales_start": "2027-01-02T00:00:00Z",
            "sales_end": "2027-01-01T00:00:00Z",
        },
        headers=owner.auth,
    )
    assert bad.status_code == 422


async def test_a_booking_draws_from_several_types_atomically(client: httpx.AsyncClient) -> None:
    owner, org = await organiser(client)
    event = await event_of(client, owner, org, capacity=5)
    early = await ticket_type(client, owner, event["id"], name="Early", quota=3)
    late = await ticket_type(client, owner, event["id"], name="Late", quota=3)
    fan = await signup(client, "fan@example.com")
    url = f"/api/v1/events/{event['id']}/bookings"
    ok = await client.post(
        url,
        json={
            "items": [
                {"ticket_type_id": early["id"], "quantity": 2},
                {"ticket_type_id": late["id"], "quantity": 1},
            ]
        },
        headers=fan.auth,
    )
    assert ok.status_code == 201, ok.text
    body = ok.json()
    assert body["status"] == "confirmed" and body["quantity"] == 3
    assert sorted(t["ticket_type_id"] for t in body["tickets"]) == sorted(
        [early["id"], early["id"], late["id"]]
    )
    assert await available(client, fan, event["id"]) == 2
    # Early has 1 left: asking for 2 Early + 1 Late fails as a whole, Late is not taken.
    r = await client.post(
        url,
        json={
            "items": [
                {"ticket_type_id": late["id"], "quantity": 1},
                {"ticket_type_id": early["id"], "quantity": 2},
            ]
        },
        headers=fan.auth,
    )
    assert r.status_code == 409 and r.json()["type"].endswith("sold-out")
    types = (
        await client.get(f"/api/v1/events/{event['id']}/ticket-types", headers=fan.auth)
    ).json()["items"]
    assert {t["name"]: t["sold"] for t in types} == {"Early": 2, "Late": 1}
    assert await available(client, fan, event["id"]) == 2
    # The event's seats cap the types: 3 Late fit the quota but not the 2 seats left.
    r = await client.post(
        url, json={"items": [{"ticket_type_id": late["id"], "quantity": 2}]}, headers=fan.auth
    )
    assert r.status_code == 201
    r = await client.post(
        url, json={"items": [{"ticket_type_id": early["id"], "quantity": 1}]}, headers=fan.auth
    )
    assert r.status_code == 409 and r.json()["type"].endswith("sold-out")
    # Cancelling gives back both the seats and the type's quota.
    await client.post(f"/api/v1/bookings/{body['id']}/cancel", headers=fan.auth)
    assert await available(client, fan, event["id"]) == 3
    types = (
        await client.get(f"/api/v1/events/{event['id']}/ticket-types", headers=fan.auth)
    ).json()["items"]
    assert {t["name"]: t["sold"] for t in types} == {"Early": 0, "Late": 2}


async def test_quantity_alone_books_the_only_type_on_sale(client: httpx.AsyncClient) -> None:
    owner, org = await organiser(client)
    event = await event_of(client, owner, org)
    only = await ticket_type(client, owner, event["id"], name="Door", quota=4)
    fan = await signup(client, "fan@example.com")
    url = f"/api/v1/events/{event['id']}/bookings"
    r = await client.post(url, json={"quantity": 2}, headers=fan.auth)
    assert r.status_code == 201 and r.json()["tickets"][0]["ticket_type_id"] == only["id"]
    await ticket_type(client, owner, event["id"], name="Second", quota=4)
    r = await client.post(url, json={"quantity": 1}, headers=fan.auth)
    assert r.status_code == 422
    r = await client.post(url, json={}, headers=fan.auth)
    assert r.status_code == 422


async def test_per_order_limits_and_foreign_types(client: httpx.AsyncClient) -> None:
    owner, org = await organiser(client)
    event = await event_of(client, owner, org)
    other = await event_of(client, owner, org, name="Other")
    limited = await ticket_type(client, owner, event["id"], name="Limited", max_per_order=2)
    foreign = await ticket_type(client, owner, other["id"], name="Elsewhere")
    fan = await signup(client, "fan@example.com")
    url = f"/api/v1/events/{event['id']}/bookings"
    r = await client.post(
        url, json={"items": [{"ticket_type_id": limited["id"], "quantity": 3}]}, headers=fan.auth
    )
    assert r.status_code == 422
    r = await client.post(
        url,
        json={
            "items": [
                {"ticket_type_id": limited["id"], "quantity": 1},
                {"ticket_type_id": limited["id"], "quantity": 2},
            ]
        },
        headers=fan.auth,
    )
    assert r.status_code == 422  # the same type twice still counts as one order
    r = await client.post(
        url, json={"items": [{"ticket_type_id": foreign["id"], "quantity": 1}]}, headers=fan.auth
    )
    assert r.status_code == 422
    assert await available(client, fan, event["id"]) == 10


async def test_sales_windows(client: httpx.AsyncClient) -> None:
    owner, org = await organiser(client)
    event = await event_of(client, owner, org)
    now = datetime.now(UTC)
    soon = await ticket_type(
        client,
        owner,
        event["id"],
        name="Soon",
        sales_start=(now + timedelta(days=1)).isoformat(),
    )
    over = await ticket_type(
        client,
        owner,
        event["id"],
        name="Over",
        sales_start=(now - timedelta(days=2)).isoformat(),
        sales_end=(now - timedelta(days=1)).isoformat(),
    )
    assert soon["on_sale"] is False and over["on_sale"] is False
    fan = await signup(client, "fan@example.com")
    url = f"/api/v1/events/{event['id']}/bookings"
    for closed in (soon, over):
        r = await client.post(
            url, json={"items": [{"ticket_type_id": closed["id"], "quantity": 1}]}, headers=fan.auth
        )
        assert r.status_code == 409, r.text
    r = await client.post(url, json={"quantity": 1}, headers=fan.auth)
    assert r.status_code == 409  # nothing on sale
    await client.patch(
        f"/api/v1/events/{event['id']}/ticket-types/{soon['id']}",
        json={"sales_start": (now - timedelta(minutes=1)).isoformat()},
        headers=owner.auth,
    )
    r = await client.post(url, json={"quantity": 1}, headers=fan.auth)
    assert r.status_code == 201, r.text


async def test_quota_cannot_drop_below_sold(client: httpx.AsyncClient) -> None:
    owner, org = await organiser(client)
    event = await event_of(client, owner, org)
    kind = await ticket_type(client, owner, event["id"], quota=3)
    fan = await signup(client, "fan@example.com")
    await client.post(
        f"/api/v1/events/{event['id']}/bookings", json={"quantity": 2}, headers=fan.auth
    )
    r = await client.patch(
        f"/api/v1/events/{event['id']}/ticket-types/{kind['id']}",
        json={"quota": 1},
        headers=owner.auth,
    )
    assert r.status_code == 409
    r = await client.patch(
        f"/api/v1/events/{event['id']}/ticket-types/{kind['id']}",
        json={"quota": 2},
        headers=owner.auth,
    )
    assert r.status_code == 200 and r.json()["available"] == 0


async def test_listing_filters_free_and_paid_by_types(client: httpx.AsyncClient) -> None:
    owner, org = await organiser(client)
    free = await event_of(client, owner, org, name="Free one")
    paid = await event_of(client, owner, org, name="Paid one")
    await ticket_type(client, owner, paid["id"], price_cents=1500)
    fan = await signup(client, "fan@example.com")
    r = await client.get("/api/v1/events", params={"free": "true"}, headers=fan.auth)
    assert [e["id"] for e in r.json()["items"]] == [free["id"]]
    r = await client.get("/api/v1/events", params={"free": "false"}, headers=fan.auth)
    assert [e["id"] for e in r.json()["items"]] == [paid["id"]]
