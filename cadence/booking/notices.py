"""What a booking change tells people: emails (through the outbox) and live updates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from cadence.accounts.models import User
from cadence.booking.models import Booking, CapacityPool, Ticket, WaitlistEntry
from cadence.calendar.models import Event
from cadence.context import Ctx
from cadence.jobs import enqueue
from cadence.notify.outbox import Attachment, queue_email


async def _seats_left(ctx: Ctx, event_id: str) -> int:
    query = select(CapacityPool).where(
        CapacityPool.event_id == event_id, CapacityPool.kind == "seats"
    )
    pool = (await ctx.session.scalars(query.execution_options(populate_existing=True))).first()
    return 0 if pool is None else pool.capacity - pool.taken


async def _live(ctx: Ctx, kind: str, booking: Booking, available: int | None = None) -> None:
    """The live update; `available` when the caller already knows it (the booking path has
    it from its UPDATE ... RETURNING), else read fresh."""
    from cadence.booking.live import publish_booking_event

    if available is None:
        available = await _seats_left(ctx, booking.event_id)
    await publish_booking_event(ctx, kind=kind, booking=booking, available=available)


TICKETS_EMAIL_JOB = "booking.tickets_email"


async def announce_confirmed(
    ctx: Ctx, booking: Booking, issued: Sequence[Ticket], *, available: int | None = None
) -> None:
    """Queue the tickets email as a job, and send the live update.

    The QR images and the PDF take tens of milliseconds per ticket; drawn here they would
    hold the seats' row lock (the write lock on SQLite) while drawing and make every other
    booking of the event wait. The job draws them after commit, outside any transaction.
    """
    if booking.user_id and issued:
        await enqueue(
            ctx,
            TICKETS_EMAIL_JOB,
            {"booking_id": booking.id, "url": f"{ctx.public_url()}/bookings/{booking.id}"},
            key=f"{TICKETS_EMAIL_JOB}:{booking.id}",
            org_id=booking.org_id,
            max_attempts=5,
        )
    await _live(ctx, "booking.confirmed", booking, available)


@dataclass(frozen=True)
class Confirmation:
    """What the tickets email is made of, read in one short transaction."""

    event: Event
    booking: Booking
    user: User
    tickets: list[Ticket]


async def confirmation_of(ctx: Ctx, booking_id: str) -> Confirmation | None:
    """The parts of a confirmed booking's email; None once it is no longer confirmed."""
    booking = await ctx.session.get(Booking, booking_id)
    if booking is None or booking.status != "confirmed" or booking.user_id is None:
        return None
    event = await ctx.session.get(Event, booking.event_id)
    user = await ctx.session.get(User, booking.user_id)
    if event is None or user is None:
        return None
    query = select(Ticket).where(Ticket.booking_id == booking.id).order_by(Ticket.id)
    return Confirmation(event, booking, user, list((await ctx.session.scalars(query)).all()))


async def queue_confirmation(
    ctx: Ctx, parts: Confirmation, *, url: str, attachments: Sequence[Attachment]
) -> None:
    """Queue the one email with the tickets (if the booking is still confirmed)."""
    booking = await ctx.session.get(Booking, parts.booking.id)
    if booking is None or booking.status != "confirmed":
        return
    event, user = parts.event, parts.user
    lines = "\n".join(f"  Ticket {t.number}" for t in parts.tickets)
    await queue_email(
        ctx,
        to=user.email,
        org_id=booking.org_id,
        kind="booking_confirmed",
        subject=f"Your tickets for {event.name}",
        text=(
            f"Hello {user.name},\n\nYour booking for {event.name} is confirmed: "
            f"{booking.quantity} seat{'s' if booking.quantity != 1 else ''}.\n"
            f"Starts: {event.starts_at.isoformat()}\n\n{lines}\n\n"
            f"Show the attached QR codes at the door. Your booking: {url}\n"
        ),
        attachments=attachments,
    )


async def announce_cancelled(ctx: Ctx, booking: Booking) -> None:
    event = await ctx.session.get(Event, booking.event_id)
    user = await ctx.session.get(User, booking.user_id) if booking.user_id else None
    if event is not None and user is not None:
        who = "the organiser" if booking.cancelled_by == "organiser" else "you"
        reason = " because the event was cancelled" if event.status == "cancelled" else ""
        await queue_email(
            ctx,
            to=user.email,
            org_id=booking.org_id,
            kind="booking_cancelled",
            subject=f"Booking cancelled: {event.name}",
            text=(
                f"Hello {user.name},\n\nYour booking of {booking.quantity} for {event.name} "
                f"was cancelled by {who}{reason}. Its tickets are no longer valid.\n"
                + (
                    "Any payment will be refunded.\n"
                    if booking.total_cents and booking.confirmed_at
                    else ""
                )
            ),
        )
    await _live(ctx, "booking.cancelled", booking)


async def announce_held(ctx: Ctx, booking: Booking, *, available: int | None = None) -> None:
    await _live(ctx, "booking.held", booking, available)


async def announce_expired(ctx: Ctx, booking: Booking) -> None:
    user = await ctx.session.get(User, booking.user_id) if booking.user_id else None
    event = await ctx.session.get(Event, booking.event_id)
    if event is not None and user is not None and booking.waitlist_entry_id is None:
        await queue_email(
            ctx,
            to=user.email,
            org_id=booking.org_id,
            kind="booking_expired",
            subject=f"Your held seats for {event.name} were released",
            text=(
                f"Hello {user.name},\n\nYour booking of {booking.quantity} for {event.name} "
                "was not paid in time, so the seats went back on sale.\n"
            ),
        )
    await _live(ctx, "booking.expired", booking)


async def announce_event_cancelled(
    ctx: Ctx, event: Event, waiting: Sequence[WaitlistEntry]
) -> None:
    """Tell the people on the waitlist (bookers are told by each booking's cancellation)."""
    for entry in waiting:
        user = await ctx.session.get(User, entry.user_id)
        if user is None:
            continue
        await queue_email(
            ctx,
            to=user.email,
            org_id=event.org_id,
            kind="event_cancelled",
            subject=f"Cancelled: {event.name}",
            text=(
                f"Hello {user.name},\n\n{event.name}, which you were waiting for, has been "
                "cancelled by the organiser. You are no longer on its waitlist.\n"
            ),
        )


async def announce_event_changed(ctx: Ctx, event: Event, changed: Sequence[str]) -> None:
    """Tell every holder of a confirmed booking that the time or place changed."""
    holders = (
        await ctx.session.scalars(
            select(User)
            .join(Booking, Booking.user_id == User.id)
            .where(Booking.event_id == event.id, Booking.status.in_(("confirmed", "held")))
            .distinct()
        )
    ).all()
    lines = []
    if "starts_at" in changed or "ends_at" in changed:
        lines.append(
            f"It now starts {event.starts_at.isoformat()} and ends {event.ends_at.isoformat()}."
        )
    if "venue" in changed:
        lines.append(f"The venue is now {event.venue or 'to be announced'}.")
    if "name" in changed:
        lines.append(f"It is now called {event.name}.")
    for user in holders:
        await queue_email(
            ctx,
            to=user.email,
            org_id=event.org_id,
            kind="event_changed",
            subject=f"Changed: {event.name}",
            text=f"Hello {user.name},\n\nAn event you booked has changed.\n"
            + "\n".join(lines)
            + "\n",
        )


async def announce_offer(ctx: Ctx, entry: WaitlistEntry) -> None:
    event = await ctx.session.get(Event, entry.event_id)
    user = await ctx.session.get(User, entry.user_id)
    if event is None or user is None or entry.offer_expires_at is None:
        return
    await queue_email(
        ctx,
        to=user.email,
        org_id=entry.org_id,
        kind="waitlist_offer",
        subject=f"Seats are free for {event.name}",
        text=(
            f"Hello {user.name},\n\n{entry.quantity} seat(s) for {event.name} are held for "
            f"you until {entry.offer_expires_at.isoformat()}. Take them here:\n\n"
            f"{ctx.public_url()}/waitlist/{entry.id}\n"
        ),
    )
