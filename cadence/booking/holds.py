"""Unpaid holds lapse: their seats go back to the waitlist or to sale.

Swept by a periodic job every minute (`cadence.booking.jobs`) and lazily before each
booking of an event, so availability is right even when no worker runs.
"""

from __future__ import annotations

from sqlalchemy import select, update

from cadence.audit import service as audit
from cadence.booking.models import Booking
from cadence.booking.service import release_items
from cadence.context import Ctx


async def expire_holds(ctx: Ctx, *, event_id: str | None = None) -> int:
    """Expire held bookings past their time (all events, or one). Returns how many."""
    from cadence.booking.notices import announce_expired
    from cadence.booking.payments.service import on_expired
    from cadence.booking.waitlist import offer_freed_seats

    query = select(Booking).where(Booking.status == "held", Booking.hold_expires_at <= ctx.now())
    if event_id is not None:
        query = query.where(Booking.event_id == event_id)
    lapsed = (await ctx.session.scalars(query.order_by(Booking.id).limit(500))).all()
    expired = []
    for booking in lapsed:
        claimed = await ctx.session.execute(
            update(Booking)
            .where(Booking.id == booking.id, Booking.status == "held")
            .values(status="expired", cancelled_at=ctx.now(), cancelled_by="hold")
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue  # taken care of by a concurrent sweep
        await ctx.session.refresh(booking)
        await release_items(ctx, booking.id)
        await on_expired(ctx, booking)
        await announce_expired(ctx, booking)
        await audit.record(
            ctx,
            org_id=booking.org_id,
            action="booking.expire",
            target_type="booking",
            target_id=booking.id,
            before={"status": "held"},
            after={"status": "expired"},
        )
        expired.append(booking)
    for affected in sorted({b.event_id for b in expired}):
        await offer_freed_seats(ctx, event_id=affected)
    return len(expired)


async def sweep(ctx: Ctx, *, event_id: str | None = None) -> int:
    """Expire unanswered waitlist offers, then lapsed holds."""
    from cadence.booking.waitlist import expire_offers

    return await expire_offers(ctx, event_id=event_id) + await expire_holds(ctx, event_id=event_id)
