"""Holds and payments: paid bookings are held, paid (manually or through Stripe) or expire."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from tests.integration.booking.fake_stripe import FakeStripe, completed_event, fake_stripe, signed
from tests.integration.booking.helpers import (
    available,
    event_of,
    move_clock,
    organiser,
    run_jobs,
    set_rules,
    ticket_type,
)
from tests.integration.conftest import signup

WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture
def stripe_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripe]:
    with fake_stripe() as fake:
        monkeypatch.setenv("CADENCE_STRIPE_SECRET_KEY", "sk_test_cadence")
        monkeypatch.setenv("CADENCE_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
        monkeypatch.setenv("CADENCE_STRIPE_API_BASE", fake.base)
        yield fake


async def test_a_paid_booking_is_held_and_confirmed_when_marked_paid(
    client: httpx.AsyncClient,
) -> None:
    owner, org = await organiser(client)
    event = await event_of(client, owner, org)
    await ticket_type(client, owner, event["id"], price_cents=2500)
    fan = await signup(client, "fan@example.com")
    r = await client.post(
        f"/api/v1/events/{event['id']}/bookings", json={"quantity": 2}, headers=fan.auth
    )
    assert r.status_code == 201, r.text
    held = r.json()
    assert held["status"] == "held" and held["tickets"] == []
    assert held["total_cents"] == 5000 and held["payment_status"] == "pending"
    assert held["hold_expires_at"] is not None
    assert await available(client, fan, event["id"]) == 8
    # Only the organiser marks it paid.
    r = await client.post(f"/api/v1/bookings/{held['id']}/mark-paid", headers=fan.auth)
    assert r.status_code == 403
    r = await client.post(f"/api/v1/bookings/{held['id']}/mark-paid", headers=owner.auth)
    assert r.status_code == 200
    paid = (await client.get(f"/api/v1/bookings/{held['id']}", headers=fan.auth)).json()
    assert paid["status"] == "confirmed" and len(paid["tickets"]) == 2
    assert paid["payment_status"] == "paid" and paid["hold_expires_at"] is None


async def test_pay_at_the_door_confirms_at_once(client: httpx.AsyncClient) -> None:
    owner, org = await organiser(client)
    event = await event_of(client, owner, org)
    await ticket_type(client, owner, event["id"], price_cents=1000)
    await set_rules(client, owner, event["id"], pay_at_door=True)
    fan = await signup(client, "fan@example.com")
    r = await client.post(
        f"/api/v1/events/{event['id']}/bookings", json={"quantity": 1}, headers=fan.auth
    )
    body = r.json()
    assert body["status"] == "confirmed" and body["payment_status"] == "due_at_door"
    assert len(body["tickets"]) == 1


async def test_an_unpaid_hold_expires_lazily_and_by_the_sweep_job(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner, org = await organiser(client)
    event = await event_of(client, owner, org, capacity=2)
    await ticket_type(client, owner, event["id"], price_cents=1000)
    rules = await set_rules(client, owner, event["id"], hold_minutes=5)
    assert rules["hold_minutes"] == 5 and rules["payment_provider"] == "manual"
    fan = await signup(client, "fan@example.com")
    other = await signup(client, "other@example.com")
    url = f"/api/v1/events/{event['id']}/bookings"
    first = (await client.post(url, json={"quantity": 2}, headers=fan.auth)).json()
    assert first["status"] == "held"
    r = await client.post(url, json={"quantity": 1}, headers=other.auth)
    assert r.status_code == 409 and r.json()["type"].endswith("sold-out")
    move_clock(app, timedelta(minutes=6))
    # Lazily: the next booking of the event sweeps lapsed holds first.
    r = await client.post(url, json={"quantity": 1}, headers=other.auth)
    assert r.status_code == 201, r.text
    lapsed = (await client.get(f"/api/v1/bookings/{first['id']}", headers=fan.auth)).json()
    assert lapsed["status"] == "expired" and lapsed["payment_status"] == "expired"
    # Marking an expired booking paid takes the money back (a refund is due).
    second = r.json()
    move_clock(app, timedelta(minutes=12))
    await run_jobs(app, sweep=True)
    gone = (await client.get(f"/api/v1/bookings/{second['id']}", headers=other.auth)).json()
    assert gone["status"] == "expired"
    assert await available(client, other, event["id"]) == 2


async def test_a_lapsed_hold_goes_to_the_waitlist_first(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner, org = await organiser(client)
    event = await event_of(client, owner, org, capacity=1)
    await ticket_type(client, owner, event["id"], price_cents=1000)
    await set_rules(client, owner, event["id"], hold_minutes=5)
    fan = await signup(client, "fan@example.com")
    waiting = await signup(client, "wait@example.com")
    await client.post(
        f"/api/v1/events/{event['id']}/bookings", json={"quantity": 1}, headers=fan.auth
    )
    entry = await client.post(
        f"/api/v1/events/{event['id']}/waitlist", json={"quantity": 1}, headers=waiting.auth
    )
    assert entry.status_code == 201 and entry.json()["position"] == 1
    move_clock(app, timedelta(minutes=6))
    await run_jobs(app, sweep=True)
    now = (await client.get(f"/api/v1/waitlist/{entry.json()['id']}", headers=waiting.auth)).json()
    assert now["status"] == "offered"
    accepted = await client.post(
        f"/api/v1/waitlist/{entry.json()['id']}/accept", headers=waiting.auth
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "held"
    assert accepted.json()["total_cents"] == 1000
    stats = await client.get(f"/api/v1/events/{event['id']}/waitlist/stats", headers=owner.auth)
    assert stats.json()["converted"] == 1 and stats.json()["conversion_rate"] == 1.0


async def test_customer_cancellation_follows_the_rules(client: httpx.AsyncClient) -> None:
    owner, org = await organiser(client)
    event = await event_of(client, owner, org)
    fan = await signup(client, "fan@example.com")
    url = f"/api/v1/events/{event['id']}/bookings"
    first = (await client.post(url, json={"quantity": 1}, headers=fan.auth)).json()
    await set_rules(client, owner, event["id"], customer_can_cancel=False)
    r = await client.post(f"/api/v1/bookings/{first['id']}/cancel", headers=fan.auth)
    assert r.status_code == 409 and r.json()["type"].endswith("cancellation-closed")
    # A cutoff far larger than the time left closes cancellation too.
    await set_rules(client, owner, event["id"], customer_can_cancel=True, cancel_cutoff_hours=8760)
    r = await client.post(f"/api/v1/bookings/{first['id']}/cancel", headers=fan.auth)
    assert r.status_code == 409
    # The organiser can always cancel.
    r = await client.post(f"/api/v1/bookings/{first['id']}/cancel", headers=owner.auth)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    await set_rules(client, owner, event["id"], cancel_cutoff_hours=1)
    second = (await client.post(url, json={"quantity": 1}, headers=fan.auth)).json()
    r = await client.post(f"/api/v1/bookings/{second['id']}/cancel", headers=fan.auth)
    assert r.status_code == 200


async def test_stripe_checkout_webhook_and_refund(
    client: httpx.AsyncClient, app: FastAPI, stripe_server: FakeStripe
) -> None:
    owner, org = await organiser(client)
    event = await event_of(client, owner, org)
    vip = await ticket_type(client, owner, event["id"], name="VIP", price_cents=4200)
    await set_rules(client, owner, event["id"], payment_provider="stripe", hold_minutes=30)
    fan = await signup(client, "fan@example.com")
    held = (
        await client.post(
            f"/api/v1/events/{event['id']}/bookings",
            json={"items": [{"ticket_type_id": vip["id"], "quantity": 2}]},
            headers=fan.auth,
        )
    ).json()
    assert held["status"] == "held" and held["payment_provider"] == "stripe"
    r = await client.post(f"/api/v1/bookings/{held['id']}/checkout", headers=fan.auth)
    assert r.status_code == 200, r.text
    assert r.json()["checkout_url"].startswith("https://checkout.stripe.com/")
    sent = stripe_server.requests[-1]
    assert sent.path == "/v1/checkout/sessions"
    assert sent.form["line_items[0][price_data][unit_amount]"] == "4200"
    assert sent.form["line_items[0][quantity]"] == "2"
    assert sent.form["line_items[0][price_data][currency]"] == "eur"
    assert sent.form["client_reference_id"] == held["id"]
    assert sent.headers["idempotency-key"].startswith("checkout-")
    session_id = f"cs_test_{len(stripe_server.requests):04d}"
    # Asking again gives the same page, without a second session.
    again = await client.post(f"/api/v1/bookings/{held['id']}/checkout", headers=fan.auth)
    assert again.json()["checkout_url"] == r.json()["checkout_url"]
    assert len(stripe_server.requests) == 1

    hook = "/api/v1/payments/stripe/webhook"
    payload = completed_event("evt_1", session_id, "pi_test_1")
    forged = await client.post(
        hook, content=payload, headers={"Stripe-Signature": signed(payload, "whsec_wrong")}
    )
    assert forged.status_code == 400 and forged.json()["type"].endswith("bad-signature")
    unsigned = await client.post(hook, content=payload)
    assert unsigned.status_code == 400
    still = (await client.get(f"/api/v1/bookings/{held['id']}", headers=fan.auth)).json()
    assert still["status"] == "held"
    for _ in range(2):  # delivered twice, handled once
        ok = await client.post(
            hook, content=payload, headers={"Stripe-Signature": signed(payload, WEBHOOK_SECRET)}
        )
        assert ok.status_code == 200, ok.text
    paid = (await client.get(f"/api/v1/bookings/{held['id']}", headers=fan.auth)).json()
    assert paid["status"] == "confirmed" and paid["payment_status"] == "paid"
    assert len(paid["tickets"]) == 2

    # Cancelling a paid booking refunds it through Stripe, after commit, in a job.
    r = await client.post(f"/api/v1/bookings/{held['id']}/cancel", headers=fan.auth)
    assert r.status_code == 200
    await run_jobs(app)
    refund = stripe_server.requests[-1]
    assert refund.path == "/v1/refunds"
    assert refund.form == {"payment_intent": "pi_test_1", "amount": "8400"}
    assert refund.headers["idempotency-key"].startswith("refund-")
    done = (await client.get(f"/api/v1/bookings/{held['id']}", headers=fan.auth)).json()
    assert done["payment_status"] == "refunded"


async def test_a_payment_after_the_hold_lapsed_is_refunded(
    client: httpx.AsyncClient, app: FastAPI, stripe_server: FakeStripe
) -> None:
    owner, org = await organiser(client)
    event = await event_of(client, owner, org)
    await ticket_type(client, owner, event["id"], price_cents=1000)
    await set_rules(client, owner, event["id"], payment_provider="stripe", hold_minutes=5)
    fan = await signup(client, "fan@example.com")
    held = (
        await client.post(
            f"/api/v1/events/{event['id']}/bookings", json={"quantity": 1}, headers=fan.auth
        )
    ).json()
    await client.post(f"/api/v1/bookings/{held['id']}/checkout", headers=fan.auth)
    move_clock(app, timedelta(minutes=6))
    await run_jobs(app, sweep=True)
    payload = completed_event("evt_late", "cs_test_0001", "pi_late")
    ok = await client.post(
        "/api/v1/payments/stripe/webhook",
        content=payload,
        headers={"Stripe-Signature": signed(payload, WEBHOOK_SECRET)},
    )
    assert ok.status_code == 200
    await run_jobs(app)
    late = (await client.get(f"/api/v1/bookings/{held['id']}", headers=fan.auth)).json()
    assert late["status"] == "expired" and late["payment_status"] == "refunded"
    assert stripe_server.requests[-1].path == "/v1/refunds"
