"""Bookings: take seats atomically, issue signed tickets, cancel and give seats back."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlalchemy import case, func, select, update

from cadence.accounts.models import Membership, Organisation, User
from cadence.accounts.roles import Role
from cadence.audit import service as audit
from cadence.booking import ticket_types, tickets
from cadence.booking.keys import signing_key
from cadence.booking.models import Booking, BookingItem, CapacityPool, Ticket
from cadence.booking.ticket_types import Line
from cadence.calendar.models import Event, EventAttendee
from cadence.context import Ctx
from cadence.errors import Conflict, InvalidInput, NotFound, SoldOut
from cadence.notify.reminders import reschedule_reminders

TICKET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the door


async def create_seat_pool(ctx: Ctx, *, event: Event, capacity: int) -> CapacityPool:
    pool = CapacityPool(
        org_id=event.org_id,
        event_id=event.id,
        kind="seats",
        name="General admission",
        capacity=capacity,
    )
    ctx.session.add(pool)
    await ctx.session.flush()
    return pool


async def seat_pool(ctx: Ctx, event_id: str) -> CapacityPool:
    query = select(CapacityPool).where(
        CapacityPool.event_id == event_id, CapacityPool.kind == "seats"
    )
    pool = (await ctx.session.scalars(query)).first()
    if pool is None:
        raise NotFound("This event does not take bookings.")
    return pool


async def availability(ctx: Ctx, event_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
    """(capacity, available) per event, read fresh from the pools."""
    rows = await ctx.session.execute(
        select(CapacityPool.event_id, CapacityPool.capacity, CapacityPool.taken)
        .where(CapacityPool.event_id.in_(list(event_ids)), CapacityPool.kind == "seats")
        .execution_options(populate_existing=True)
    )
    return {str(e): (c, c - t) for e, c, t in rows}


async def set_capacity(ctx: Ctx, *, event: Event, capacity: int) -> CapacityPool:
    """Change an event's capacity; never below the seats already taken."""
    pool = await seat_pool(ctx, event.id)
    result = await ctx.session.execute(
        update(CapacityPool)
        .where(CapacityPool.id == pool.id, CapacityPool.taken <= capacity)
        .values(capacity=capacity)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"{pool.taken} seats are already booked; capacity cannot go below that.")
    await ctx.session.refresh(pool)
    return pool


async def surely_sold_out(ctx: Ctx, *, event_id: str, quantity: int) -> None:
    """Refuse from a read alone when fewer than `quantity` plain seats are free and no lapsed
    hold could free any: a refusal is right at the instant it was read, so it needs no lock.

    Only refusals are decided here; taking seats stays the conditional UPDATE of
    `take_seats`. Under a rush most requests are refused, and this keeps them from queueing
    for the write lock (SQLite) or the seats row (PostgreSQL). Events with ticket types or a
    per-order limit take the full path, so their other answers (422) keep their order.
    """
    pools = (
        await ctx.session.execute(
            select(
                CapacityPool.kind,
                CapacityPool.capacity,
                CapacityPool.taken,
                CapacityPool.max_per_order,
            ).where(CapacityPool.event_id == event_id)
        )
    ).all()
    if len(pools) != 1 or pools[0].kind != "seats" or pools[0].max_per_order is not None:
        return
    left = max(0, pools[0].capacity - pools[0].taken)
    if left >= quantity:
        return
    lapsed = await ctx.session.scalar(
        select(func.count()).where(
            Booking.event_id == event_id,
            Booking.status == "held",
            Booking.hold_expires_at <= ctx.now(),
        )
    )
    if lapsed:
        return
    raise SoldOut(
        f"Only {left} seat{'s' if left != 1 else ''} left; {quantity} asked for.", available=left
    )


async def take_seats(ctx: Ctx, pool: CapacityPool, quantity: int) -> None:
    """Take seats or fail, in one conditional UPDATE: no read-then-write race."""
    result = await ctx.session.execute(
        update(CapacityPool)
        .where(CapacityPool.id == pool.id, CapacityPool.taken + quantity <= CapacityPool.capacity)
        .values(taken=CapacityPool.taken + quantity)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await ctx.session.refresh(pool)
        left = max(0, pool.capacity - pool.taken)
        what = f"{pool.name} ticket" if pool.kind == "ticket_type" else "seat"
        raise SoldOut(
            f"Only {left} {what}{'s' if left != 1 else ''} left; {quantity} asked for.",
            available=left,
        )


async def release_seats(ctx: Ctx, pool_id: str, quantity: int) -> None:
    await ctx.session.execute(
        update(CapacityPool)
        .where(CapacityPool.id == pool_id)
        .values(taken=CapacityPool.taken - quantity)
    )


async def release_items(ctx: Ctx, booking_id: str) -> None:
    """Give back every pool a booking drew from (call once, after claiming its status).

    Seats first, then ticket types by id: the order `take_lines` locks them in, so a
    cancellation and a booking of the same event never wait on each other in a cycle.
    """
    rows = await ctx.session.execute(
        select(BookingItem.pool_id, BookingItem.quantity)
        .join(CapacityPool, CapacityPool.id == BookingItem.pool_id)
        .where(BookingItem.booking_id == booking_id)
        .order_by(case((CapacityPool.kind == "seats", 0), else_=1), CapacityPool.id)
    )
    for pool_id, quantity in rows.all():
        await release_seats(ctx, pool_id, quantity)


def _ticket_number() -> str:
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(10))


async def _ticket_pools(ctx: Ctx, booking: Booking) -> list[str | None]:
    """The ticket type of each seat of the booking (None for plain seats)."""
    rows = await ctx.session.execute(
        select(BookingItem.pool_id, BookingItem.quantity)
        .join(CapacityPool, CapacityPool.id == BookingItem.pool_id)
        .where(BookingItem.booking_id == booking.id, CapacityPool.kind == "ticket_type")
        .order_by(BookingItem.id)
    )
    typed: list[str | None] = [pool_id for pool_id, n in rows for _ in range(n)]
    return (typed + [None] * booking.quantity)[: booking.quantity]


async def issue_tickets(ctx: Ctx, booking: Booking) -> list[Ticket]:
    key = await signing_key(ctx, booking.org_id)
    issued = []
    for pool_id in await _ticket_pools(ctx, booking):
        ticket = Ticket(
            org_id=booking.org_id,
            event_id=booking.event_id,
            booking_id=booking.id,
            number=_ticket_number(),
            code="",
            pool_id=pool_id,
        )
        ctx.session.add(ticket)
        await ctx.session.flush()
        ticket.code = tickets.sign(
            tickets.TicketClaims(ticket.id, booking.event_id, booking.org_id, ticket.number),
            key.private_key,
        )
        issued.append(ticket)
    await ctx.session.flush()
    return issued


async def tickets_of(ctx: Ctx, booking_id: str) -> list[Ticket]:
    query = select(Ticket).where(Ticket.booking_id == booking_id).order_by(Ticket.id)
    return list((await ctx.session.scalars(query)).all())


async def attend(ctx: Ctx, *, event_id: str, user_id: str) -> None:
    query = select(EventAttendee).where(
        EventAttendee.event_id == event_id, EventAttendee.user_id == user_id
    )
    attendee = (await ctx.session.scalars(query)).first()
    if attendee is None:
        ctx.session.add(EventAttendee(event_id=event_id, user_id=user_id, rsvp="accepted"))
    else:
        attendee.rsvp = "accepted"
    await ctx.session.flush()
    await reschedule_reminders(ctx, event_id)


async def stop_attending_if_unbooked(ctx: Ctx, *, event_id: str, user_id: str) -> None:
    still = await ctx.session.scalar(
        select(func.count()).where(
            Booking.event_id == event_id, Booking.user_id == user_id, Booking.status == "confirmed"
        )
    )
    if not still:
        query = select(EventAttendee).where(
            EventAttendee.event_id == event_id, EventAttendee.user_id == user_id
        )
        attendee = (await ctx.session.scalars(query)).first()
        if attendee is not None:
            await ctx.session.delete(attendee)
            await ctx.session.flush()
            await reschedule_reminders(ctx, event_id)


async def confirm(ctx: Ctx, booking: Booking) -> list[Ticket]:
    """Make a booking final: tickets, attendance, confirmation email, live update."""
    from cadence.booking.notices import announce_confirmed

    booking.status = "confirmed"
    booking.confirmed_at = ctx.now()
    booking.hold_expires_at = None
    issued = await issue_tickets(ctx, booking)
    if booking.user_id:
        await attend(ctx, event_id=booking.event_id, user_id=booking.user_id)
    await announce_confirmed(ctx, booking, issued)
    return issued


async def take_lines(ctx: Ctx, seats: CapacityPool, lines: Sequence[Line]) -> None:
    """Take the event's seats, then each ticket type's quota, in one fixed order.

    Any failure raises `SoldOut`, and the unit of work rolls back what was already taken.
    The fixed order (seats first, then types by id) keeps two PostgreSQL transactions
    from waiting on each other's rows in opposite orders.
    """
    await take_seats(ctx, seats, sum(line.quantity for line in lines))
    for line in sorted(lines, key=lambda line: line.pool.id):
        if line.pool.id != seats.id:
            await take_seats(ctx, line.pool, line.quantity)


async def add_items(ctx: Ctx, booking: Booking, seats: CapacityPool, lines: Sequence[Line]) -> None:
    """One item per pool drawn from; the seats pool is an item of its own when types are."""
    typed = [line for line in lines if line.pool.id != seats.id]
    if typed:
        ctx.session.add(
            BookingItem(booking_id=booking.id, pool_id=seats.id, quantity=booking.quantity)
        )
    for line in lines:
        ctx.session.add(
            BookingItem(
                booking_id=booking.id,
                pool_id=line.pool.id,
                quantity=line.quantity,
                unit_price_cents=line.pool.price_cents,
            )
        )
    await ctx.session.flush()


async def book(
    ctx: Ctx,
    *,
    event: Event,
    user: User,
    quantity: int | None = None,
    items: list[tuple[str, int]] | None = None,
) -> tuple[Booking, list[Ticket]]:
    """Take the seats (and ticket types) atomically; free bookings confirm at once.

    A booking that costs money is `held` until paid (or until its hold expires): paid
    with the event's provider, or confirmed straight away when the event is pay-at-door.
    """
    from cadence.booking.payments import service as payments
    from cadence.booking.rules import rules_of

    if quantity is not None and quantity < 1 and not items:
        raise InvalidInput("Book at least one seat.", field="quantity")
    if not event.published or event.status == "cancelled":
        raise Conflict("This event is not on sale.")
    seats = await seat_pool(ctx, event.id)
    lines = await ticket_types.resolve(
        ctx, event=event, seats=seats, quantity=quantity, items=items
    )
    await take_lines(ctx, seats, lines)
    total = sum(line.pool.price_cents * line.quantity for line in lines)
    rules = await rules_of(ctx, event.id)
    booking = Booking(
        org_id=event.org_id,
        event_id=event.id,
        user_id=user.id,
        status="held",
        quantity=sum(line.quantity for line in lines),
        total_cents=total,
        currency=lines[0].pool.currency,
        created_at=ctx.now(),
        payment_provider="free" if total == 0 else rules.payment_provider,
        hold_expires_at=None if total == 0 else ctx.now() + rules.hold,
    )
    ctx.session.add(booking)
    await ctx.session.flush()
    await add_items(ctx, booking, seats, lines)
    issued: list[Ticket] = []
    if total == 0:
        issued = await confirm(ctx, booking)
    else:
        issued = await payments.open_payment(ctx, booking, rules)
        if booking.status == "held":
            from cadence.booking.notices import announce_held

            await announce_held(ctx, booking)
    await audit.record(
        ctx,
        org_id=event.org_id,
        action="booking.create",
        target_type="booking",
        target_id=booking.id,
        after={
            "event_id": event.id,
            "quantity": booking.quantity,
            "status": booking.status,
            "total_cents": total,
            "items": {line.pool.id: line.quantity for line in lines},
        },
    )
    return booking, issued


async def is_manager(ctx: Ctx, *, org_id: str, user_id: str) -> bool:
    query = select(Membership.role).where(
        Membership.org_id == org_id, Membership.user_id == user_id
    )
    role = (await ctx.session.scalars(query)).first()
    return role is not None and Role(role).at_least(Role.manager)


async def booking_for(ctx: Ctx, *, booking_id: str, user: User, lock: bool = False) -> Booking:
    """The booking, for its holder or a manager of its organisation; 404 for anyone else."""
    query = select(Booking).where(Booking.id == booking_id)
    if lock:
        query = query.with_for_update()
    booking = (await ctx.session.scalars(query)).first()
    if booking is None:
        raise NotFound("No such booking.")
    if booking.user_id != user.id and not await is_manager(
        ctx, org_id=booking.org_id, user_id=user.id
    ):
        raise NotFound("No such booking.")
    return booking


async def cancel(ctx: Ctx, *, booking: Booking, by: str) -> Booking:
    """Cancel and give the seats back: to the waitlist first, then to sale."""
    from cadence.booking.notices import announce_cancelled
    from cadence.booking.payments import service as payments
    from cadence.booking.waitlist import offer_freed_seats

    if booking.status == "cancelled":
        return booking
    if booking.status not in ("confirmed", "held"):
        raise Conflict(f"A {booking.status} booking cannot be cancelled.")
    previous = booking.status
    claimed = await ctx.session.execute(
        update(Booking)
        .where(Booking.id == booking.id, Booking.status == booking.status)
        .values(status="cancelled", cancelled_at=ctx.now(), cancelled_by=by)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("This booking changed at the same time; reload and try again.")
    await ctx.session.refresh(booking)
    await release_items(ctx, booking.id)
    await ctx.session.execute(
        update(Ticket)
        .where(Ticket.booking_id == booking.id, Ticket.status == "valid")
        .values(status="void")
    )
    if booking.user_id:
        await stop_attending_if_unbooked(ctx, event_id=booking.event_id, user_id=booking.user_id)
    await payments.on_cancelled(ctx, booking)
    await offer_freed_seats(ctx, event_id=booking.event_id)
    await announce_cancelled(ctx, booking)
    await audit.record(
        ctx,
        org_id=booking.org_id,
        action="booking.cancel",
        target_type="booking",
        target_id=booking.id,
        before={"status": previous},
        after={"status": "cancelled", "by": by},
    )
    return booking


async def org_of(ctx: Ctx, org_id: str) -> Organisation:
    org = await ctx.session.get(Organisation, org_id)
    if org is None:
        raise NotFound("No such organisation.")
    return org
