"""Deposits for large parties: holds, paying by hand or through Stripe, lapses and refunds.

The floor is the hand-checked one of `floor.py` with deposits from parties of four
(10.00 EUR a head), so a party of four takes P1 (T4 and P1 both fit four exactly; the
names break the tie), then T4, and owes 40.00. Stripe is the local
server of `tests/integration/booking/fake_stripe.py` (the network reaches no provider).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from cadence.clock import FrozenClock
from cadence.context import unit_of_work
from cadence.http.state import AppState
from cadence.jobs import enqueue
from cadence.jobs.worker import Worker
from cadence.notify.models import OutboxEmail
from tests.integration.booking.fake_stripe import FakeStripe, completed_event, fake_stripe, signed
from tests.integration.conftest import PASSWORD, Person, make_org, signup
from tests.integration.venues.floor import Floor, build_floor, reserve

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # Monday; Friday 5 June is open 17:00-02:00
FRI_19 = "2026-06-05T19:00:00+01:00"
WEBHOOK_SECRET = "whsec_test_venues"
WEBHOOK = "/api/v1/venues/payments/stripe/webhook"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def stripe_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripe]:
    with fake_stripe() as fake:
        monkeypatch.setenv("CADENCE_STRIPE_SECRET_KEY", "sk_test_cadence")
        monkeypatch.setenv("CADENCE_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
        monkeypatch.setenv("CADENCE_STRIPE_API_BASE", fake.base)
        yield fake


async def set_time(app: FastAPI, client: httpx.AsyncClient, at: datetime, *people: Person) -> None:
    """Move the app's clock, and log the people in again (access tokens last 15 minutes)."""
    state: AppState = app.state.cadence
    state.clock = FrozenClock(at)
    for person in people:
        r = await client.post(
            "/api/v1/auth/login", json={"email": person.email, "password": PASSWORD}
        )
        assert r.status_code == 200, r.text
        person.access = r.json()["access_token"]


async def run_jobs(app: FastAPI, *kinds: str) -> None:
    """Queue the given jobs (the periodic sweep, say), then run every due job."""
    state: AppState = app.state.cadence
    async with unit_of_work(state.sessions, state.settings, state.clock) as ctx:
        for kind in kinds:
            await enqueue(ctx, kind, {})
    worker = Worker(state.engine, state.settings, state.clock, schedule_periodic=False)
    await worker.run_until_idle()
    await asyncio.sleep(0.05)


async def setup(client: httpx.AsyncClient, **policy: object) -> tuple[Person, Floor, Person]:
    owner = await signup(client, "owner@bluedoor.example")
    org = await make_org(client, owner, "The Blue Door")
    floor = await build_floor(
        client,
        owner,
        org,
        deposit_party_size=4,
        deposit_cents_per_person=1000,
        approval_party_size=None,
        **policy,
    )
    guest = await signup(client, "guest@example.com", "Grace Guest")
    return owner, floor, guest


def names(floor: Floor, body: dict) -> set[str]:  # type: ignore[type-arg]
    return {floor.names[t["id"]] for t in body["tables"]}


async def test_pay_at_the_door_confirms_at_once(client: httpx.AsyncClient) -> None:
    _, floor, guest = await setup(client)
    four = await reserve(client, guest, floor, FRI_19, 4)
    assert four.status_code == 201, four.text
    body = four.json()
    assert body["status"] == "confirmed" and names(floor, body) == {"P1"}
    assert body["deposit"]["amount_cents"] == 4000 and body["deposit"]["status"] == "due"
    assert body["deposit"]["provider"] == "manual" and body["deposit"]["held_until"] is None
    two = (await reserve(client, guest, floor, FRI_19, 3)).json()
    assert two["deposit"]["amount_cents"] == 0 and two["deposit"]["status"] == "none"


async def test_a_manual_hold_confirms_when_staff_take_the_money_and_lapses_otherwise(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner, floor, guest = await setup(client, deposit_hold_minutes=30)
    held = (await reserve(client, guest, floor, FRI_19, 4)).json()
    assert held["status"] == "held" and names(floor, held) == {"P1"}
    assert held["deposit"]["held_until"] == "2026-06-01T09:30:00Z"
    # the manual provider has no online checkout: the guest is told to pay as staff say
    r = await client.post(f"/api/v1/reservations/{held['id']}/deposit/checkout", headers=guest.auth)
    assert r.status_code == 200 and r.json()["checkout_url"] is None
    assert r.json()["provider"] == "manual"
    staff = f"/api/v1/orgs/{floor.org}/venue/reservations"
    r = await client.patch(
        f"{staff}/{held['id']}", json={"deposit_status": "paid"}, headers=owner.auth
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "confirmed" and r.json()["deposit"]["status"] == "paid"
    assert r.json()["deposit"]["held_until"] is None

    # a second party of four is held on T4 (P1 is taken) and never pays
    late = (await reserve(client, guest, floor, FRI_19, 4)).json()
    assert late["status"] == "held" and names(floor, late) == {"T4"}
    await set_time(app, client, NOW + timedelta(minutes=31), guest, owner)
    # the next reservation sweeps the venue's lapsed holds first: T4 is free again
    after = (await reserve(client, guest, floor, FRI_19, 4)).json()
    assert names(floor, after) == {"T4"} and after["status"] == "held"
    gone = (await client.get(f"/api/v1/reservations/{late['id']}", headers=guest.auth)).json()
    assert gone["status"] == "expired" and gone["deposit"]["status"] == "expired"
    assert gone["tables"] and gone["deposit"]["held_until"] is None
    # the periodic sweep does the same for a quiet venue
    await set_time(app, client, NOW + timedelta(minutes=62), guest)
    await run_jobs(app, "venues.hold_sweep")
    swept = (await client.get(f"/api/v1/reservations/{after['id']}", headers=guest.auth)).json()
    assert swept["status"] == "expired"
    async with app.state.cadence.sessions() as session:
        kinds = [e.kind for e in await session.scalars(select(OutboxEmail))]
    assert kinds.count("venue.reservation.held") == 3
    assert kinds.count("venue.reservation.expired") == 2
    assert kinds.count("venue.reservation.confirmed") == 1


async def _pay_through_stripe(
    client: httpx.AsyncClient, fake: FakeStripe, guest: Person, reservation_id: str, n: int
) -> str:
    r = await client.post(
        f"/api/v1/reservations/{reservation_id}/deposit/checkout", headers=guest.auth
    )
    assert r.status_code == 200, r.text
    assert r.json()["provider"] == "stripe" and r.json()["checkout_url"].startswith("https://")
    session_id = str(r.json()["checkout_url"]).rsplit("/", 1)[1]
    sent = fake.requests[-1]
    assert sent.path == "/v1/checkout/sessions"
    assert sent.form["line_items[0][price_data][unit_amount]"] == "1000"
    assert sent.form["line_items[0][quantity]"] == "4"
    assert sent.form["metadata[booking_id]"] == reservation_id
    payload = completed_event(f"evt_venue_{n}", session_id, f"pi_venue_{n}")
    for _ in range(2):  # Stripe delivers at least once
        r = await client.post(
            WEBHOOK,
            content=payload,
            headers={"Stripe-Signature": signed(payload, WEBHOOK_SECRET)},
        )
        assert r.status_code == 200, r.text
    return session_id


async def test_stripe_deposit_confirms_by_webhook_and_is_refunded_on_early_cancel(
    client: httpx.AsyncClient, app: FastAPI, stripe_server: FakeStripe
) -> None:
    _, floor, guest = await setup(client, deposit_provider="stripe", deposit_hold_minutes=30)
    held = (await reserve(client, guest, floor, FRI_19, 4)).json()
    assert held["status"] == "held" and held["deposit"]["provider"] == "stripe"
    bad = await client.post(WEBHOOK, content="{}", headers={"Stripe-Signature": "t=1,v1=forged"})
    assert bad.status_code == 400
    await _pay_through_stripe(client, stripe_server, guest, held["id"], 1)
    paid = (await client.get(f"/api/v1/reservations/{held['id']}", headers=guest.auth)).json()
    assert paid["status"] == "confirmed" and paid["deposit"]["status"] == "paid"
    assert paid["deposit"]["checkout_url"] is None
    # four days ahead is well before the 24 h refund limit: the money goes back
    r = await client.post(f"/api/v1/reservations/{held['id']}/cancel", headers=guest.auth)
    assert r.status_code == 200 and r.json()["deposit"]["status"] == "refund_pending"
    await run_jobs(app)
    refund = stripe_server.requests[-1]
    assert refund.path == "/v1/refunds"
    assert refund.form == {"payment_intent": "pi_venue_1", "amount": "4000"}
    done = (await client.get(f"/api/v1/reservations/{held['id']}", headers=guest.auth)).json()
    assert done["deposit"]["status"] == "refunded"


async def test_late_cancel_forfeits_and_late_payment_is_refunded(
    client: httpx.AsyncClient, app: FastAPI, stripe_server: FakeStripe
) -> None:
    _, floor, guest = await setup(
        client,
        deposit_provider="stripe",
        deposit_hold_minutes=30,
        deposit_refund_minutes=7 * 24 * 60,
    )
    first = (await reserve(client, guest, floor, FRI_19, 4)).json()
    await _pay_through_stripe(client, stripe_server, guest, first["id"], 1)
    r = await client.post(f"/api/v1/reservations/{first['id']}/cancel", headers=guest.auth)
    assert r.status_code == 200 and r.json()["deposit"]["status"] == "forfeited"
    # a checkout paid only after its hold lapsed gives the money back
    second = (await reserve(client, guest, floor, FRI_19, 4)).json()
    r = await client.post(
        f"/api/v1/reservations/{second['id']}/deposit/checkout", headers=guest.auth
    )
    session_id = r.json()["checkout_url"].rsplit("/", 1)[1]
    await set_time(app, client, NOW + timedelta(minutes=45), guest)
    await run_jobs(app, "venues.hold_sweep")
    lapsed = (await client.get(f"/api/v1/reservations/{second['id']}", headers=guest.auth)).json()
    assert lapsed["status"] == "expired"
    payload = completed_event("evt_late", session_id, "pi_late")
    r = await client.post(
        WEBHOOK, content=payload, headers={"Stripe-Signature": signed(payload, WEBHOOK_SECRET)}
    )
    assert r.status_code == 200
    late = (await client.get(f"/api/v1/reservations/{second['id']}", headers=guest.auth)).json()
    assert late["status"] == "expired" and late["deposit"]["status"] == "refund_pending"
    await run_jobs(app)
    assert stripe_server.requests[-1].form == {"payment_intent": "pi_late", "amount": "4000"}
