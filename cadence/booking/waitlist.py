"""The waitlist: join when sold out; freed seats are offered, in order of joining, as holds.

An offer takes the seats (so nobody else can book them) for a limited time. Accepting turns
the hold into a confirmed booking; an unanswered offer expires, the seats go to the next
entry that fits, and whatever no entry takes returns to sale.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from cadence.accounts.models import User
from cadence.audit import service as audit
from cadence.booking.models import Booking, CapacityPool, Ticket, WaitlistEntry
from cadence.booking.notices import announce_held, announce_offer
from cadence.booking.rules import rules_of
from cadence.booking.service import add_items, confirm, release_items, seat_pool, take_lines
from cadence.booking.ticket_types import Line, on_sale, types_of
from cadence.calendar.models import Event
from cadence.context import Ctx
from cadence.errors import Conflict, Gone, InvalidInput, NotFound

OFFER_HOLD = timedelta(minutes=30)
ACTIVE = ("waiting", "offered")


async def join(ctx: Ctx, *, event: Event, user: User, quantity: int) -> tuple[WaitlistEntry, int]:
    if quantity < 1:
        raise InvalidInput("Wait for at least one seat.", field="quantity")
    if not event.published or event.status == "cancelled":
        raise Conflict("This event is not on sale.")
    pool = await seat_pool(ctx, event.id)
    if quantity > pool.capacity:
        raise InvalidInput(f"The event has only {pool.capacity} seats.", field="quantity")
    mine = await ctx.session.scalar(
        select(func.count()).where(
            WaitlistEntry.event_id == event.id,
            WaitlistEntry.user_id == user.id,
            WaitlistEntry.status.in_(ACTIVE),
        )
    )
    if mine:
        raise Conflict("You are already on the waitlist of this event.")
    entry = WaitlistEntry(
        org_id=event.org_id,
        event_id=event.id,
        user_id=user.id,
        quantity=quantity,
        created_at=ctx.now(),
    )
    ctx.session.add(entry)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=event.org_id,
        action="waitlist.join",
        target_type="waitlist_entry",
        target_id=entry.id,
        after={"event_id": event.id, "quantity": quantity},
    )
    # Seats may be free right now (sold out only for larger groups): offer straight away.
    await offer_freed_seats(ctx, event_id=event.id)
    await ctx.session.refresh(entry)
    return entry, await position(ctx, entry)


async def position(ctx: Ctx, entry: WaitlistEntry) -> int:
    """1 for the head of the queue; 0 once the entry is no longer waiting."""
    if entry.status not in ACTIVE:
        return 0
    ahead = await ctx.session.scalar(
        select(func.count()).where(
            WaitlistEntry.event_id == entry.event_id,
            WaitlistEntry.status.in_(ACTIVE),
            WaitlistEntry.id < entry.id,
        )
    )
    return int(ahead or 0) + 1


async def queue(ctx: Ctx, *, event_id: str) -> list[WaitlistEntry]:
    query = (
        select(WaitlistEntry).where(WaitlistEntry.event_id == event_id).order_by(WaitlistEntry.id)
    )
    return list((await ctx.session.scalars(query)).all())


async def _offer_line(ctx: Ctx, event_id: str, pool: CapacityPool, quantity: int) -> Line | None:
    """What an offer of `quantity` seats takes: plain seats, or the cheapest type on sale
    with room (None when no type has room for the whole group)."""
    types = await types_of(ctx, event_id)
    if not types:
        return Line(pool, quantity)
    for ticket_type in types:
        room = ticket_type.capacity - ticket_type.taken
        if on_sale(ticket_type, ctx.now()) and room >= quantity:
            return Line(ticket_type, quantity)
    return None


async def offer_freed_seats(ctx: Ctx, *, event_id: str) -> int:
    """Offer free seats to waiting entries that fit, oldest first. Returns offers made."""
    event = await ctx.session.get(Event, event_id)
    if event is None or event.status == "cancelled":
        return 0
    # Lock the seats row before reading the queue: a join and a cancellation running at
    # once then see each other (on PostgreSQL each statement reads what committed before
    # it), so freed seats never stay on sale while an entry that fits is waiting.
    pool = (
        await ctx.session.scalars(
            select(CapacityPool)
            .where(CapacityPool.event_id == event_id, CapacityPool.kind == "seats")
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).first()
    if pool is None:
        return 0
    hold = (await rules_of(ctx, event_id)).hold
    made = 0
    waiting = (
        await ctx.session.scalars(
            select(WaitlistEntry)
            .where(WaitlistEntry.event_id == event_id, WaitlistEntry.status == "waiting")
            .order_by(WaitlistEntry.id)
        )
    ).all()
    for entry in waiting:
        free = pool.capacity - pool.taken
        if free <= 0:
            break
        if entry.quantity > free:
            continue
        line = await _offer_line(ctx, event_id, pool, entry.quantity)
        if line is None:
            continue
        if not await _claim(ctx, entry.id, frm="waiting", to="offered"):
            continue  # left the queue at this very moment
        await take_lines(ctx, pool, [line])
        await ctx.session.refresh(pool)
        hold_until = ctx.now() + max(OFFER_HOLD, hold)
        price = line.pool.price_cents * entry.quantity
        booking = Booking(
            org_id=entry.org_id,
            event_id=event_id,
            user_id=entry.user_id,
            status="held",
            quantity=entry.quantity,
            created_at=ctx.now(),
            hold_expires_at=hold_until,
            waitlist_entry_id=entry.id,
            total_cents=price,
            currency=line.pool.currency,
            payment_provider="free" if price == 0 else None,
        )
        ctx.session.add(booking)
        await ctx.session.flush()
        await add_items(ctx, booking, pool, [line])
        await ctx.session.refresh(entry)
        entry.offer_booking_id = booking.id
        entry.offer_expires_at = hold_until
        await ctx.session.flush()
        await announce_offer(ctx, entry)
        await announce_held(ctx, booking)
        made += 1
    return made


async def _claim(ctx: Ctx, entry_id: str, *, frm: str, to: str) -> bool:
    """Move an entry from one status to the next, or report that someone else moved it."""
    claimed = await ctx.session.execute(
        update(WaitlistEntry)
        .where(WaitlistEntry.id == entry_id, WaitlistEntry.status == frm)
        .values(status=to)
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


async def entry_for(ctx: Ctx, *, entry_id: str, user: User, lock: bool = False) -> WaitlistEntry:
    """The caller's entry; with `lock`, row-locked and fresh, for accepting or leaving."""
    query = select(WaitlistEntry).where(WaitlistEntry.id == entry_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    entry = (await ctx.session.scalars(query)).first()
    if entry is None or entry.user_id != user.id:
        raise NotFound("No such waitlist entry.")
    return entry


async def accept(ctx: Ctx, *, entry: WaitlistEntry) -> tuple[Booking, list[Ticket]]:
    if entry.status != "offered" or entry.offer_booking_id is None:
        raise Conflict("There is no open offer on this waitlist entry.")
    booking = (
        await ctx.session.scalars(
            select(Booking)
            .where(Booking.id == entry.offer_booking_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).first()
    if booking is None or booking.status != "held":
        raise Gone("This offer is no longer open.")
    if entry.offer_expires_at is not None and entry.offer_expires_at <= ctx.now():
        await expire_offers(ctx, event_id=entry.event_id)
        raise Gone("This offer has expired; the seats went to the next person waiting.")
    entry.status = "converted"
    issued: list[Ticket] = []
    if booking.total_cents == 0:
        issued = await confirm(ctx, booking)
    else:
        from cadence.booking.payments import service as payments

        rules = await rules_of(ctx, booking.event_id)
        booking.payment_provider = rules.payment_provider
        booking.hold_expires_at = max(booking.hold_expires_at or ctx.now(), ctx.now() + rules.hold)
        issued, _ = await payments.open_payment(ctx, booking, rules)
    await audit.record(
        ctx,
        org_id=entry.org_id,
        action="waitlist.accept",
        target_type="booking",
        target_id=booking.id,
    )
    return booking, issued


async def leave(ctx: Ctx, *, entry: WaitlistEntry) -> None:
    if entry.status not in ACTIVE:
        return
    if entry.status == "offered" and entry.offer_booking_id:
        await _release_offer(ctx, entry, status="left")
        await offer_freed_seats(ctx, event_id=entry.event_id)
    else:
        entry.status = "left"
    await audit.record(
        ctx,
        org_id=entry.org_id,
        action="waitlist.leave",
        target_type="waitlist_entry",
        target_id=entry.id,
    )


async def _release_offer(ctx: Ctx, entry: WaitlistEntry, *, status: str) -> None:
    if not await _claim(ctx, entry.id, frm="offered", to=status):
        return  # accepted or released at the same time
    await ctx.session.refresh(entry)
    claimed = await ctx.session.execute(
        update(Booking)
        .where(Booking.id == entry.offer_booking_id, Booking.status == "held")
        .values(status="expired", cancelled_at=ctx.now())
    )
    if claimed.rowcount == 1:  # type: ignore[attr-defined]
        await release_items(ctx, str(entry.offer_booking_id))
    await ctx.session.flush()


async def expire_offers(ctx: Ctx, *, event_id: str | None = None) -> int:
    """Expire unanswered offers (all events, or one) and pass their seats on."""
    query = select(WaitlistEntry).where(
        WaitlistEntry.status == "offered", WaitlistEntry.offer_expires_at <= ctx.now()
    )
    if event_id is not None:
        query = query.where(WaitlistEntry.event_id == event_id)
    expired = (await ctx.session.scalars(query.order_by(WaitlistEntry.id))).all()
    for entry in expired:
        await _release_offer(ctx, entry, status="expired")
    for affected in sorted({e.event_id for e in expired}):
        await offer_freed_seats(ctx, event_id=affected)
    return len(expired)


async def stats(ctx: Ctx, *, event_id: str) -> dict[str, int | float | None]:
    """The queue by status, and how many offers turned into bookings."""
    rows = await ctx.session.execute(
        select(WaitlistEntry.status, func.count())
        .where(WaitlistEntry.event_id == event_id)
        .group_by(WaitlistEntry.status)
    )
    counts = {str(status): int(n) for status, n in rows}
    offers = await ctx.session.scalar(
        select(func.count()).where(
            Booking.event_id == event_id, Booking.waitlist_entry_id.is_not(None)
        )
    )
    made = int(offers or 0)
    converted = counts.get("converted", 0)
    return {
        "waiting": counts.get("waiting", 0),
        "offered": counts.get("offered", 0),
        "converted": converted,
        "expired": counts.get("expired", 0),
        "left": counts.get("left", 0),
        "offers_made": made,
        "conversion_rate": round(converted / made, 4) if made else None,
    }
