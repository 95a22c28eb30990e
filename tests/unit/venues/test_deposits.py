"""The deposit policy's pure parts: when a hold applies, and what the provider is asked for."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cadence.errors import Conflict
from cadence.venues.deposits import checkout_request, needs_hold
from cadence.venues.models import Reservation, Venue


def venue(**kw: object) -> Venue:
    return Venue(**{"name": "The Blue Door", "deposit_hold_minutes": 30, **kw})


def reservation(**kw: object) -> Reservation:
    base: dict[str, object] = {
        "id": "r1",
        "party_size": 8,
        "deposit_cents": 8000,
        "currency": "GBP",
        "status": "held",
        "deposit_status": "due",
        "guest_email": "grace@example.com",
        "version": 3,
        "starts_at": datetime(2026, 6, 5, 18, tzinfo=UTC),
    }
    return Reservation(**{**base, **kw})


def test_only_online_reservations_with_a_deposit_wait_for_it() -> None:
    assert needs_hold(venue(), reservation(), online=True)
    assert not needs_hold(venue(), reservation(), online=False)  # staff take it by hand
    assert not needs_hold(venue(), reservation(deposit_cents=0), online=True)
    assert not needs_hold(venue(deposit_hold_minutes=0), reservation(), online=True)


def test_the_checkout_is_one_line_per_guest_and_keyed_by_version() -> None:
    ask = checkout_request(venue(), reservation(), base_url="https://cadence.example")
    assert ask.booking_id == "r1" and ask.payment_id == "r1-3"
    assert ask.currency == "GBP" and ask.customer_email == "grace@example.com"
    [line] = ask.lines
    assert (line.name, line.unit_amount, line.quantity) == (
        "Deposit, table for 8 at The Blue Door",
        1000,
        8,
    )
    assert ask.success_url == "https://cadence.example/my-reservations?paid=r1"


@pytest.mark.parametrize(("status", "deposit"), [("confirmed", "due"), ("held", "paid")])
def test_nothing_to_pay_is_refused(status: str, deposit: str) -> None:
    with pytest.raises(Conflict):
        checkout_request(
            venue(), reservation(status=status, deposit_status=deposit), base_url="http://x"
        )
