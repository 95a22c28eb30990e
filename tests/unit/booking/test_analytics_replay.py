"""The sell-out replay and the CSV of the organiser analytics, on plain rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from cadence.booking.models import Booking
from cadence.events.analytics import Analytics, Day, _sold_out_at, days_csv

T0 = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def _booking(minutes: int, quantity: int, *, cancelled: int | None = None) -> Booking:
    return Booking(
        created_at=T0 + timedelta(minutes=minutes),
        quantity=quantity,
        status="cancelled" if cancelled is not None else "confirmed",
        cancelled_at=T0 + timedelta(minutes=cancelled) if cancelled is not None else None,
    )


def test_sold_out_is_the_first_instant_every_seat_was_taken() -> None:
    rows = [_booking(0, 2), _booking(5, 1, cancelled=8), _booking(7, 1), _booking(9, 1)]
    # 2, 3, 4 at minute 7: sold out then (the cancellation at 8 un-sells it again).
    assert _sold_out_at(rows, 4) == T0 + timedelta(minutes=7)
    assert _sold_out_at(rows[:2], 4) is None
    assert _sold_out_at([], 0) is None


def test_a_seat_given_back_at_the_same_instant_counts_before_the_one_taken() -> None:
    rows = [_booking(0, 2, cancelled=5), _booking(5, 2)]
    assert _sold_out_at(rows, 3) is None


def test_the_csv_has_one_row_per_day() -> None:
    figures = Analytics(event_id="e", currency="EUR", capacity=3)
    figures.days = [Day(date(2027, 3, 1), 2, 3, 4500, 1)]
    assert days_csv(figures) == (
        "day,bookings,seats,revenue_cents,cancelled\r\n2027-03-01,2,3,4500,1\r\n"
    )
