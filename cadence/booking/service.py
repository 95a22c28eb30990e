"""Bookings: take seats atomically, issue signed tickets, cancel and give seats back."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import ColumnElement, Table, bindparam, case, exists, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import BindParameter

from cadence.accounts.models import Membership, Organisation, User
from cadence.accounts.roles import Role
from cadence.audit import service as audit
from cadence.booking import attendance, ticket_types, tickets
from cadence.booking.keys import signer
from cadence.booking.models import (
    Booking,
    BookingItem,
    BookingRules,
    CapacityPool,
    Payment,
    Ticket,
    WaitlistEntry,
)
from cadence.booking.rules import Rules, from_row
from cadence.booking.ticket_types import Line
from cadence.calendar.models import Event, EventAttendee
from cadence.context import Ctx
from cadence.db import UTCDateTime, new_id
from cadence.errors import Conflict, InvalidInput, NotFound, SoldOut

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


def _stale(event_id: object, now: object) -> ColumnElement[bool]:
    """Whether a lapsed hold or an unanswered waitlist offer of the event waits to be swept
    (and could free seats): two index probes, as one column of the caller's statement."""
    lapsed = exists().where(
        Booking.event_id == event_id, Booking.status == "held", Booking.hold_expires_at <= now
    )
    unanswered = exists().where(
        WaitlistEntry.event_id == event_id,
        WaitlistEntry.status == "offered",
        WaitlistEntry.offer_expires_at <= now,
    )
    return or_(lapsed, unanswered)


@dataclass(frozen=True)
class Stock:
    """An event as the booking route's first read sees it: whose it is, whether it is on
    sale, and its seats; enough to refuse a request that is surely sold out without
    queueing for the write (see `refuse_if_sold_out`). Plain values, no ORM objects: most
    requests of a rush end here."""

    event_id: str
    org_id: str
    kind: str
    published: bool
    on_sale: bool
    plain: bool  # one seats pool, no ticket types, no per-order limit
    left: int
    stale: bool  # a lapsed hold or offer could free seats


_NOW = bindparam("now", type_=UTCDateTime())
_EVENT_ID: BindParameter[str] = bindparam("event_id")
# The event with its pools and the sweep flag, in one statement (`stock_of`).
_EVENT_AND_POOLS = (
    select(
        Event.id,
        Event.org_id,
        Event.kind,
        Event.published,
        Event.status,
        CapacityPool.kind.label("pool_kind"),
        CapacityPool.capacity,
        CapacityPool.taken,
        CapacityPool.max_per_order,
        _stale(Event.id, _NOW).label("stale"),
    )
    .outerjoin(
        CapacityPool,
        (CapacityPool.event_id == Event.id) & CapacityPool.kind.in_(("seats", "ticket_type")),
    )
    .where(Event.id == _EVENT_ID)
)


async def stock_of(ctx: Ctx, event_id: str) -> Stock | None:
    """The event and its seats in one statement (None when there is no such event)."""
    rows = (
        await ctx.session.execute(_EVENT_AND_POOLS, {"event_id": event_id, "now": ctx.now()})
    ).all()
    if not rows:
        return None
    first = rows[0]
    pools = [row for row in rows if row.pool_kind is not None]
    seats = [row for row in pools if row.pool_kind == "seats"]
    return Stock(
        event_id=first.id,
        org_id=first.org_id,
        kind=first.kind,
        published=bool(first.published),
        on_sale=bool(first.published) and first.status != "cancelled",
        plain=len(pools) == 1 and len(seats) == 1 and seats[0].max_per_order is None,
        left=max(0, seats[0].capacity - seats[0].taken) if seats else 0,
        stale=bool(first.stale),
    )


def refuse_if_sold_out(stock: Stock, quantity: int) -> None:
    """Refuse from a read alone when fewer than `quantity` plain seats are free and no lapsed
    hold or offer could free any: a refusal is right at the instant it was read, so it needs
    no lock.

    Only refusals are decided here; taking seats stays the conditional UPDATE of
    `take_seats`. Under a rush most requests are refused, and this keeps them from queueing
    for the write lock (SQLite) or the seats row (PostgreSQL). Events with ticket types or a
    per-order limit take the full path, so their other answers (422) keep their order; so
    do events not on sale (409 "not on sale").
    """
    if not stock.on_sale or not stock.plain or stock.stale or stock.left >= quantity:
        return
    left = stock.left
    raise SoldOut(
        f"Only {left} seat{'s' if left != 1 else ''} left; {quantity} asked for.", available=left
    )


_POOLS = cast(Table, CapacityPool.__table__)
# Core, not ORM: no session bookkeeping, and RETURNING gives the seats left for the live
# update without reading the row again.
_TAKE = (
    update(_POOLS)
    .where(
        _POOLS.c.id == bindparam("pool_id"),
        _POOLS.c.taken + bindparam("n") <= _POOLS.c.capacity,
    )
    .values(taken=_POOLS.c.taken + bindparam("n"))
    .returning(_POOLS.c.capacity, _POOLS.c.taken)
)


def _sold_out(pool: CapacityPool, quantity: int) -> SoldOut:
    left = max(0, pool.capacity - pool.taken)
    what = f"{pool.name} ticket" if pool.kind == "ticket_type" else "seat"
    return SoldOut(
        f"Only {left} {what}{'s' if left != 1 else ''} left; {quantity} asked for.",
        available=left,
    )


async def take_seats(ctx: Ctx, pool: CapacityPool, quantity: int) -> int:
    """Take seats or fail, in one conditional UPDATE: no read-then-write race.

    Returns how many are left in the pool. The loaded pool keeps the values the UPDATE
    returned, as if it had been read again.
    """
    row = (await ctx.session.execute(_TAKE, {"pool_id": pool.id, "n": quantity})).first()
    if row is None:
        await ctx.session.refresh(pool)
        raise _sold_out(pool, quantity)
    set_committed_value(pool, "capacity", row.capacity)
    set_committed_value(pool, "taken", row.taken)
    return int(row.capacity - row.taken)


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
    """Ten characters of the 32-letter alphabet, 50 random bits. One random byte per
    character, its low five bits (256 is a multiple of 32, so each letter is equally
    likely); an eighth of the cost of ten `secrets.choice` calls."""
    return "".join(TICKET_ALPHABET[b & 31] for b in secrets.token_bytes(10))


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


async def issue_tickets(
    ctx: Ctx, booking: Booking, types: Sequence[str | None] | None = None
) -> list[Ticket]:
    """One signed ticket per seat, added to the session: the next flush writes them all in
    one INSERT (their ids are made here, so each code is signed before it is written).

    `types` is each seat's ticket type when the caller knows them (a booking made in this
    transaction); otherwise they are read from the booking's items.
    """
    key = await signer(ctx, booking.org_id)
    if types is None:
        types = await _ticket_pools(ctx, booking)
    issued = []
    for pool_id in types:
        ticket_id, number = new_id(), _ticket_number()
        claims = tickets.TicketClaims(ticket_id, booking.event_id, booking.org_id, number)
        issued.append(
            Ticket(
                id=ticket_id,
                org_id=booking.org_id,
                event_id=booking.event_id,
                booking_id=booking.id,
                number=number,
                code=tickets.sign(claims, key),
                status="valid",
                pool_id=pool_id,
            )
        )
    ctx.session.add_all(issued)
    return issued


async def tickets_of(ctx: Ctx, booking_id: str) -> list[Ticket]:
    query = select(Ticket).where(Ticket.booking_id == booking_id).order_by(Ticket.id)
    return list((await ctx.session.scalars(query)).all())


stop_attending_if_unbooked = attendance.stop_attending_if_unbooked


async def confirm(
    ctx: Ctx,
    booking: Booking,
    *,
    types: Sequence[str | None] | None = None,
    rsvp: str | None = attendance.NOT_READ,
    available: int | None = None,
) -> list[Ticket]:
    """Make a booking final: tickets, attendance, tickets email, live update.

    The keyword arguments are what a booking made in this transaction already knows (its
    seats' ticket types, the booker's answer to the event before, the seats left); any
    that are missing are read.
    """
    from cadence.booking.notices import announce_confirmed

    booking.status = "confirmed"
    booking.confirmed_at = ctx.now()
    booking.hold_expires_at = None
    issued = await issue_tickets(ctx, booking, types)
    if booking.user_id:
        event = await ctx.session.get(Event, booking.event_id)
        if event is not None:
            await attendance.attend(ctx, event=event, user_id=booking.user_id, rsvp=rsvp)
    await announce_confirmed(ctx, booking, issued, available=available)
    return issued


async def take_lines(ctx: Ctx, seats: CapacityPool, lines: Sequence[Line]) -> int:
    """Take the event's seats, then each ticket type's quota, in one fixed order.

    Any failure raises `SoldOut`, and the unit of work rolls back what was already taken.
    The fixed order (seats first, then types by id) keeps two PostgreSQL transactions
    from waiting on each other's rows in opposite orders. Returns the seats left.
    """
    left = await take_seats(ctx, seats, sum(line.quantity for line in lines))
    for line in sorted(lines, key=lambda line: line.pool.id):
        if line.pool.id != seats.id:
            await take_seats(ctx, line.pool, line.quantity)
    return left


def _items(booking: Booking, seats: CapacityPool, lines: Sequence[Line]) -> list[BookingItem]:
    """One item per pool drawn from; the seats pool is an item of its own when types are."""
    typed = [line for line in lines if line.pool.id != seats.id]
    items = [
        BookingItem(
            id=new_id(),
            booking_id=booking.id,
            pool_id=seats.id,
            quantity=booking.quantity,
            unit_price_cents=0 if typed else seats.price_cents,
        )
    ]
    return items + [
        BookingItem(
            id=new_id(),
            booking_id=booking.id,
            pool_id=line.pool.id,
            quantity=line.quantity,
            unit_price_cents=line.pool.price_cents,
        )
        for line in typed
    ]


async def add_items(ctx: Ctx, booking: Booking, seats: CapacityPool, lines: Sequence[Line]) -> None:
    ctx.session.add_all(_items(booking, seats, lines))
    await ctx.session.flush()


@dataclass(frozen=True)
class ForSale:
    """What a booking needs to know about its event, read in one statement (`for_sale`)."""

    event: Event
    seats: CapacityPool
    types: list[CapacityPool]
    rules: Rules
    stale: bool  # a lapsed hold or an unanswered offer to sweep first
    # The booker's answer to the event so far (None: not an attendee). Read before the
    # seats row lock orders bookings of the event, so on PostgreSQL a concurrent booking of
    # the same person may have changed it since; `attendance.attend` copes.
    rsvp: str | None


_USER_ID: BindParameter[str] = bindparam("user_id")
_FOR_SALE = (
    select(
        CapacityPool,
        BookingRules,
        Event,
        _stale(CapacityPool.event_id, _NOW).label("stale"),
        select(EventAttendee.rsvp)
        .where(EventAttendee.event_id == _EVENT_ID, EventAttendee.user_id == _USER_ID)
        .scalar_subquery()
        .label("rsvp"),
    )
    .join(Event, Event.id == CapacityPool.event_id)
    .outerjoin(BookingRules, BookingRules.event_id == CapacityPool.event_id)
    .where(CapacityPool.event_id == _EVENT_ID, CapacityPool.kind.in_(("seats", "ticket_type")))
    .execution_options(populate_existing=True)
)


async def for_sale(ctx: Ctx, *, event_id: str, user_id: str) -> ForSale:
    """The event with its pools and booking rules, the sweep flag and the booker's
    attendance, in one statement instead of one per question."""
    rows = (
        await ctx.session.execute(
            _FOR_SALE, {"event_id": event_id, "user_id": user_id, "now": ctx.now()}
        )
    ).all()
    seats = [row[0] for row in rows if row[0].kind == "seats"]
    if not seats:
        raise NotFound("This event does not take bookings.")
    types = sorted(
        (row[0] for row in rows if row[0].kind == "ticket_type"),
        key=lambda pool: (pool.price_cents, pool.id),
    )
    first = rows[0]
    return ForSale(
        event=first[2],
        seats=seats[0],
        types=types,
        rules=from_row(first[1]),
        stale=bool(first.stale),
        rsvp=first.rsvp,
    )


@dataclass(frozen=True)
class Sold:
    booking: Booking
    tickets: list[Ticket]
    payment: Payment | None


async def sell(
    ctx: Ctx,
    *,
    event_id: str,
    user_id: str,
    quantity: int | None = None,
    items: list[tuple[str, int]] | None = None,
) -> Sold:
    """Take the seats (and ticket types) atomically; free bookings confirm at once.

    A booking that costs money is `held` until paid (or until its hold expires): paid
    with the event's provider, or confirmed straight away when the event is pay-at-door.

    Written to cost few statements (docs/decisions/0016-lean-booking-path.md): one read
    of everything the booking needs (`for_sale`), the conditional UPDATE per pool
    (RETURNING the seats left for the live update), then the booking, its items, its
    tickets and the audit entry go to the database in one flush, one INSERT per table.
    Expired holds and offers are swept first, only when the read says there are any.
    """
    from cadence.booking import holds
    from cadence.booking.payments import service as payments

    if quantity is not None and quantity < 1 and not items:
        raise InvalidInput("Book at least one seat.", field="quantity")
    sale = await for_sale(ctx, event_id=event_id, user_id=user_id)
    if sale.stale:
        await holds.sweep(ctx, event_id=event_id)
        sale = await for_sale(ctx, event_id=event_id, user_id=user_id)
    event = sale.event
    if not event.published or event.status == "cancelled":
        raise Conflict("This event is not on sale.")
    lines = ticket_types.lines_for(
        sale.types, seats=sale.seats, quantity=quantity, items=items, now=ctx.now()
    )
    _refuse_short(sale.seats, lines)
    left = await take_lines(ctx, sale.seats, lines)
    booking = _new_booking(ctx, event, user_id, lines, sale.rules)
    ctx.session.add(booking)
    ctx.session.add_all(_items(booking, sale.seats, lines))
    payment: Payment | None = None
    if booking.total_cents == 0:
        issued = await confirm(
            ctx, booking, types=_seat_types(sale.seats, lines), rsvp=sale.rsvp, available=left
        )
    else:
        issued, payment = await payments.open_payment(ctx, booking, sale.rules)
        if booking.status == "held":
            from cadence.booking.notices import announce_held

            await announce_held(ctx, booking, available=left)
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
            "total_cents": booking.total_cents,
            "items": {line.pool.id: line.quantity for line in lines},
        },
        flush=False,
    )
    await ctx.session.flush()
    return Sold(booking, issued, payment)


def _new_booking(
    ctx: Ctx, event: Event, user_id: str, lines: Sequence[Line], rules: Rules
) -> Booking:
    total = sum(line.pool.price_cents * line.quantity for line in lines)
    return Booking(
        id=new_id(),
        org_id=event.org_id,
        event_id=event.id,
        user_id=user_id,
        status="held",
        quantity=sum(line.quantity for line in lines),
        total_cents=total,
        currency=lines[0].pool.currency,
        created_at=ctx.now(),
        payment_provider="free" if total == 0 else rules.payment_provider,
        hold_expires_at=None if total == 0 else ctx.now() + rules.hold,
    )


def _refuse_short(seats: CapacityPool, lines: Sequence[Line]) -> None:
    """Refuse, from what `for_sale` just read, a booking its pools are too small for.

    For the requests that passed the route's read but whose turn in the write queue came
    after the seats went: no UPDATE, no wait for the seats row. A refusal read from a
    committed snapshot is right at the instant it was read (on SQLite the read is inside
    the write lock, so it is exact); taking seats is still only the conditional UPDATE.
    """
    wanted = [(seats, sum(line.quantity for line in lines))]
    wanted += [(line.pool, line.quantity) for line in lines if line.pool.id != seats.id]
    for pool, quantity in wanted:
        if pool.capacity - pool.taken < quantity:
            raise _sold_out(pool, quantity)


def _seat_types(seats: CapacityPool, lines: Sequence[Line]) -> list[str | None]:
    """Each seat's ticket type (None for plain seats), in the order `_ticket_pools` reads."""
    return [
        None if line.pool.id == seats.id else line.pool.id
        for line in lines
        for _ in range(line.quantity)
    ]


async def book(
    ctx: Ctx,
    *,
    event: Event,
    user: User,
    quantity: int | None = None,
    items: list[tuple[str, int]] | None = None,
) -> tuple[Booking, list[Ticket]]:
    """`sell`, answering (booking, tickets) as the web pages and the demo expect."""
    sold = await sell(ctx, event_id=event.id, user_id=user.id, quantity=quantity, items=items)
    return sold.booking, sold.tickets


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
