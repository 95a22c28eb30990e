"""An event's figures for its organiser: sales per day, conversions, sell-out, check-in.

Computed from the booking engine's rows when asked (no counters to keep in step): an
event has at most some thousands of bookings, and the organiser's page is read rarely.
Days are UTC dates.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from cadence.booking import waitlist
from cadence.booking.models import Booking, CapacityPool, Ticket
from cadence.calendar.models import Event
from cadence.context import Ctx


@dataclass
class Day:
    day: date
    bookings: int = 0
    seats: int = 0
    revenue_cents: int = 0
    cancelled: int = 0


@dataclass
class Analytics:
    event_id: str
    currency: str
    capacity: int
    days: list[Day] = field(default_factory=list)
    bookings_confirmed: int = 0
    seats_confirmed: int = 0
    revenue_cents: int = 0
    holds_started: int = 0  # bookings that had to be paid
    holds_paid: int = 0
    hold_conversion: float | None = None
    waitlist: dict[str, int | float | None] = field(default_factory=dict)
    sold_out_at: datetime | None = None
    sell_out_seconds: float | None = None
    tickets_issued: int = 0
    checked_in: int = 0
    checkin_rate: float | None = None
    no_shows: int | None = None  # known once the event has ended


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _sold_out_at(bookings: list[Booking], capacity: int) -> datetime | None:
    """Replay seats taken (at booking) and given back (at cancel or expiry): the first
    instant every seat was taken."""
    changes: list[tuple[datetime, int]] = []
    for b in bookings:
        changes.append((b.created_at, b.quantity))
        if b.status in ("cancelled", "expired") and b.cancelled_at is not None:
            changes.append((b.cancelled_at, -b.quantity))
    taken = 0
    for moment, delta in sorted(changes, key=lambda c: (c[0], c[1])):
        taken += delta
        if capacity and taken >= capacity:
            return moment
    return None


async def of_event(ctx: Ctx, *, event: Event) -> Analytics:
    pool = (
        await ctx.session.scalars(
            select(CapacityPool).where(
                CapacityPool.event_id == event.id, CapacityPool.kind == "seats"
            )
        )
    ).first()
    bookings = list(
        (
            await ctx.session.scalars(
                select(Booking).where(Booking.event_id == event.id).order_by(Booking.id)
            )
        ).all()
    )
    result = Analytics(
        event_id=event.id,
        currency=pool.currency if pool else "EUR",
        capacity=pool.capacity if pool else 0,
    )
    days: dict[date, Day] = {}
    for b in bookings:
        if b.total_cents > 0:
            result.holds_started += 1
            if b.confirmed_at is not None:
                result.holds_paid += 1
        if b.status == "confirmed" and b.confirmed_at is not None:
            day = days.setdefault(b.confirmed_at.date(), Day(b.confirmed_at.date()))
            day.bookings += 1
            day.seats += b.quantity
            day.revenue_cents += b.total_cents
            result.bookings_confirmed += 1
            result.seats_confirmed += b.quantity
            result.revenue_cents += b.total_cents
        if b.status == "cancelled" and b.cancelled_at is not None:
            days.setdefault(b.cancelled_at.date(), Day(b.cancelled_at.date())).cancelled += 1
    result.days = [days[d] for d in sorted(days)]
    result.hold_conversion = _rate(result.holds_paid, result.holds_started)
    result.waitlist = await waitlist.stats(ctx, event_id=event.id)
    result.sold_out_at = _sold_out_at(bookings, result.capacity)
    if result.sold_out_at is not None:
        result.sell_out_seconds = (result.sold_out_at - event.created_at).total_seconds()
    confirmed = {b.id for b in bookings if b.status == "confirmed"}
    tickets = (
        await ctx.session.execute(
            select(Ticket.booking_id, Ticket.status).where(Ticket.event_id == event.id)
        )
    ).all()
    counted = [status for booking_id, status in tickets if booking_id in confirmed]
    result.tickets_issued = len(counted)
    result.checked_in = counted.count("used")
    result.checkin_rate = _rate(result.checked_in, result.tickets_issued)
    if event.ends_at <= ctx.now():
        result.no_shows = result.tickets_issued - result.checked_in
    return result


CSV_COLUMNS = ("day", "bookings", "seats", "revenue_cents", "cancelled")


def days_csv(figures: Analytics) -> str:
    """One row per day with sales, for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for d in figures.days:
        writer.writerow((d.day.isoformat(), d.bookings, d.seats, d.revenue_cents, d.cancelled))
    return out.getvalue()
