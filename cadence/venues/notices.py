"""What a reservation change tells the world: live updates, emails and the reminder job.

All of it is written in the caller's transaction (domain events, outbox rows, job rows), so
a rolled-back reservation never emails and a committed one always does.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel

from cadence.context import Ctx
from cadence.jobs import enqueue
from cadence.notify.outbox import queue_email
from cadence.realtime.events import publish, register_event_type
from cadence.time.zones import get_zone
from cadence.venues.models import Reservation, Venue

REMINDER_JOB = "venues.reminder"
REMINDER_BEFORE = timedelta(hours=24)


class ReservationEvent(BaseModel):
    reservation_id: str
    venue_id: str
    status: str
    party_size: int
    starts_at: str
    table_ids: list[str]


register_event_type("reservation.created", ReservationEvent)
register_event_type("reservation.updated", ReservationEvent)


async def live(ctx: Ctx, kind: str, r: Reservation, table_ids: list[str]) -> None:
    await publish(
        ctx,
        org_id=r.org_id,
        type=kind,
        data={
            "reservation_id": r.id,
            "venue_id": r.venue_id,
            "status": r.status,
            "party_size": r.party_size,
            "starts_at": r.starts_at.isoformat().replace("+00:00", "Z"),
            "table_ids": table_ids,
        },
    )


def when(venue: Venue, r: Reservation) -> str:
    local = r.starts_at.astimezone(get_zone(venue.timezone))
    return f"{local:%A %d %B %Y at %H:%M} ({venue.timezone})"


def _deposit_line(r: Reservation) -> str:
    if r.deposit_cents <= 0 or r.deposit_status not in ("due", "paid"):
        return ""
    amount = f"{r.deposit_cents / 100:.2f} {r.currency}"
    if r.deposit_status == "paid":
        return f"\nDeposit received: {amount}.\n"
    if r.deposit_provider == "stripe":
        return f"\nA deposit of {amount} is due; pay it online from 'My reservations'.\n"
    return f"\nA deposit of {amount} is due; pay it at the venue or as staff instruct you.\n"


def _lines(venue: Venue, r: Reservation) -> str:
    notes = f"\nYour notes: {r.guest_note}\n" if r.guest_note else ""
    occasion = f"Occasion: {r.occasion}\n" if r.occasion else ""
    return (
        f"{venue.name}, {when(venue, r)}, a table for {r.party_size}.\n"
        f"{occasion}{notes}{_deposit_line(r)}\nReservation reference: {r.id}\n"
    )


async def _email(
    ctx: Ctx, venue: Venue, r: Reservation, subject: str, intro: str, kind: str
) -> None:
    if not r.guest_email:
        return
    await queue_email(
        ctx,
        to=r.guest_email,
        subject=subject,
        text=f"Hello {r.guest_name},\n\n{intro}\n\n{_lines(venue, r)}",
        kind=kind,
        org_id=r.org_id,
    )


async def schedule_reminder(ctx: Ctx, r: Reservation) -> None:
    """One reminder per reservation and start time (a moved reservation gets a new one)."""
    if r.status != "confirmed" or not r.guest_email:
        return
    run_at = max(ctx.now(), r.starts_at - REMINDER_BEFORE)
    if run_at >= r.starts_at:
        return
    stamp = r.starts_at.isoformat()
    await enqueue(
        ctx,
        REMINDER_JOB,
        {"reservation_id": r.id, "starts_at": stamp},
        run_at=run_at,
        key=f"venue-reminder:{r.id}:{stamp}",
        org_id=r.org_id,
    )


async def created(ctx: Ctx, venue: Venue, r: Reservation, table_ids: list[str]) -> None:
    await live(ctx, "reservation.created", r, table_ids)
    if r.status == "confirmed":
        await _email(
            ctx,
            venue,
            r,
            f"Your table at {venue.name} is confirmed",
            "Your reservation is confirmed.",
            "venue.reservation.confirmed",
        )
        await schedule_reminder(ctx, r)
    elif r.status == "held":
        await _email(
            ctx,
            venue,
            r,
            f"Pay your deposit to keep your table at {venue.name}",
            "Your table is held for you until the deposit is paid"
            + (
                f" (until {r.hold_expires_at.astimezone(get_zone(venue.timezone)):%H:%M})."
                if r.hold_expires_at
                else "."
            ),
            "venue.reservation.held",
        )
    elif r.status == "pending":
        await _email(
            ctx,
            venue,
            r,
            f"Your request for a table at {venue.name}",
            "We have your request; the venue will confirm it shortly.",
            "venue.reservation.requested",
        )


async def changed(
    ctx: Ctx,
    venue: Venue,
    r: Reservation,
    table_ids: list[str],
    *,
    old_status: str,
    moved: bool = False,
    by_guest: bool = False,
) -> None:
    await live(ctx, "reservation.updated", r, table_ids)
    if r.status == "confirmed" and (old_status in ("pending", "held") or moved):
        await _email(
            ctx,
            venue,
            r,
            f"Your table at {venue.name} is confirmed",
            "Your reservation is confirmed." if not moved else "Your reservation has been changed.",
            "venue.reservation.confirmed",
        )
        await schedule_reminder(ctx, r)
    elif r.status == "expired" and old_status == "held":
        await _email(
            ctx,
            venue,
            r,
            f"Your table at {venue.name} was released",
            "The deposit was not paid in time, so the table went back on sale.",
            "venue.reservation.expired",
        )
    elif r.status == "cancelled" and old_status != "cancelled":
        intro = (
            "Your reservation is cancelled, as you asked."
            if by_guest
            else "We are sorry: the venue had to cancel your reservation."
        )
        await _email(
            ctx,
            venue,
            r,
            f"Your reservation at {venue.name} is cancelled",
            intro,
            "venue.reservation.cancelled",
        )


async def reminder(ctx: Ctx, venue: Venue, r: Reservation) -> None:
    await _email(
        ctx,
        venue,
        r,
        f"See you soon at {venue.name}",
        "A reminder of your reservation.",
        "venue.reservation.reminder",
    )
