"""Reservations: take a table for a party without ever double-booking it, and its lifecycle.

Taking tables (docs/decisions/0008-table-occupancy-slots.md): the reservation row is
flushed, then for each candidate (best first, see `assignment.candidates`) one
`venue_table_occupancy` row per table and 15-minute slot is inserted inside a SAVEPOINT.
The primary key `(table_id, slot_start)` makes a clash a unique violation: the savepoint
rolls back and the next candidate is tried. A read of the current occupancy first skips
candidates known to be taken, so the savepoint only ever loses to a concurrent request.
On PostgreSQL a concurrent uncommitted insert of the same key makes ours wait for its
outcome; on SQLite writers are serialised by `BEGIN IMMEDIATE`. Either way nothing is
ever held twice.

Lifecycle: held (an online reservation waiting for its deposit, `deposits.py`) →
pending (a large party awaiting approval; tables are held) → confirmed → seated →
completed, or no_show / cancelled / expired (a hold that lapsed). Ending a reservation
releases its slots. Each reservation is linked to the guest's profile in the guest book
(`guestbook.py`), whose counters follow the lifecycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from cadence.audit import service as audit
from cadence.context import Ctx
from cadence.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from cadence.time.intervals import Interval
from cadence.venues import assignment, deposits, guestbook, hours, notices
from cadence.venues import service as venues
from cadence.venues.assignment import Candidate
from cadence.venues.models import (
    Reservation,
    ReservationTable,
    TableOccupancy,
    Venue,
    VenueTable,
)
from cadence.venues.queries import for_guest as for_guest
from cadence.venues.queries import for_staff as for_staff
from cadence.venues.queries import of_day as of_day
from cadence.venues.queries import of_user as of_user
from cadence.venues.queries import tables_of as tables_of

ALTERNATIVES = 6
TRANSITIONS: dict[str, frozenset[str]] = {
    "held": frozenset({"pending", "confirmed", "cancelled", "expired"}),
    "pending": frozenset({"confirmed", "cancelled"}),
    "confirmed": frozenset({"seated", "no_show", "cancelled"}),
    "seated": frozenset({"completed"}),
    "completed": frozenset(),
    "no_show": frozenset(),
    "cancelled": frozenset(),
    "expired": frozenset(),
}


class NoTableAvailable(Conflict):
    slug = "no-table-available"
    title = "No table available"


class TableChoiceRefused(InvalidInput):
    """Staff chose tables that cannot seat the party (`assignment.choice_problem`)."""

    slug = "table-choice-refused"
    title = "These tables cannot seat the party"


@dataclass(frozen=True)
class Guest:
    name: str
    email: str | None = None
    phone: str | None = None
    user_id: str | None = None
    guest_id: str | None = None  # staff picked a profile of the guest book
    marketing_consent: bool | None = None  # asked on the form; None: not asked


@dataclass(frozen=True)
class Wish:
    starts_at: datetime
    party_size: int
    area_id: str | None = None
    occasion: str | None = None
    guest_note: str | None = None
    staff_note: str | None = None
    table_ids: tuple[str, ...] | None = None


# --- occupancy -----------------------------------------------------------------------------


def _span(venue: Venue, starts_at: datetime) -> tuple[datetime, datetime]:
    return starts_at, starts_at + timedelta(minutes=venue.slot_minutes)


def _slots(venue: Venue, starts_at: datetime, ends_at: datetime) -> list[datetime]:
    return assignment.slots_for(starts_at, ends_at, timedelta(minutes=venue.turnover_minutes))


async def _taken(
    ctx: Ctx, venue: Venue, start: datetime, end: datetime
) -> set[tuple[str, datetime]]:
    query = (
        select(TableOccupancy.table_id, TableOccupancy.slot_start)
        .join(VenueTable, VenueTable.id == TableOccupancy.table_id)
        .where(
            VenueTable.venue_id == venue.id,
            TableOccupancy.slot_start >= assignment.floor_slot(start),
            TableOccupancy.slot_start < end,
        )
    )
    return {(t, s) for t, s in (await ctx.session.execute(query)).all()}


async def _try_take(ctx: Ctx, r: Reservation, candidate: Candidate, slots: list[datetime]) -> bool:
    rows = [
        {"table_id": t, "slot_start": s, "reservation_id": r.id}
        for t in sorted(candidate.ids)
        for s in slots
    ]
    try:
        async with ctx.session.begin_nested():
            await ctx.session.execute(insert(TableOccupancy), rows)
    except IntegrityError:
        return False
    for table_id in candidate.ids:
        ctx.session.add(ReservationTable(reservation_id=r.id, table_id=table_id))
    await ctx.session.flush()
    return True


async def _release(ctx: Ctx, r: Reservation, *, from_slot: datetime | None = None) -> None:
    query = delete(TableOccupancy).where(TableOccupancy.reservation_id == r.id)
    if from_slot is not None:
        query = query.where(TableOccupancy.slot_start >= from_slot)
    await ctx.session.execute(query)


async def _unassign(ctx: Ctx, r: Reservation) -> None:
    await _release(ctx, r)
    await ctx.session.execute(
        delete(ReservationTable).where(ReservationTable.reservation_id == r.id)
    )


async def _assign(ctx: Ctx, venue: Venue, r: Reservation, wish: Wish) -> list[str]:
    """Hold the best free tables for `r`, or raise NoTableAvailable with alternatives."""
    tables = await venues.list_tables(ctx, venue=venue, active_only=True)
    slots = _slots(venue, r.starts_at, r.ends_at)
    if wish.table_ids:
        chosen = [t for t in tables if t.id in set(wish.table_ids)]
        if len(chosen) != len(set(wish.table_ids)):
            raise InvalidInput("Choose active tables of this venue.", field="table_ids")
        pick = Candidate(tuple(venues.table_info(t) for t in chosen))
        refused = assignment.choice_problem(pick.tables, r.party_size)
        if refused is not None:
            reason, message = refused
            lo, hi = assignment.seat_range(pick.tables)
            raise TableChoiceRefused(
                message, field="table_ids", reason=reason, seats_min=lo, seats_max=hi
            )
        if await _try_take(ctx, r, pick, slots):
            return list(pick.ids)
        raise NoTableAvailable(f"{pick.names} is taken at that time.")
    infos = [venues.table_info(t) for t in tables]
    ranked = assignment.candidates(infos, r.party_size, preferred_area=wish.area_id)
    taken = await _taken(ctx, venue, slots[0], slots[-1] + assignment.SLOT)
    for candidate in ranked:
        if assignment.is_free(candidate, slots, taken) and await _try_take(
            ctx, r, candidate, slots
        ):
            return list(candidate.ids)
    alternatives = await available_times(
        ctx,
        venue=venue,
        day=hours.service_date_of(r.starts_at, venue.timezone),
        party_size=r.party_size,
        area_id=wish.area_id,
        for_guest=r.source == "online",
    )
    near = assignment.nearest(r.starts_at, alternatives, ALTERNATIVES)
    raise NoTableAvailable(
        f"No table for {r.party_size} is free at that time.",
        alternatives=[t.isoformat().replace("+00:00", "Z") for t in near],
    )


# --- checks --------------------------------------------------------------------------------


async def _check_time(ctx: Ctx, venue: Venue, wish: Wish, *, guest: bool) -> None:
    if wish.party_size > venue.max_party_size:
        raise InvalidInput(
            f"Parties of more than {venue.max_party_size} please call the venue.",
            field="party_size",
        )
    if not assignment.is_aligned(wish.starts_at):
        raise InvalidInput("Reservations start on the quarter hour.", field="starts_at")
    now = ctx.now()
    if guest and wish.starts_at < now + timedelta(minutes=venue.lead_minutes):
        raise InvalidInput(f"Book at least {venue.lead_minutes} minutes ahead.", field="starts_at")
    if wish.starts_at > now + timedelta(days=venue.horizon_days):
        raise InvalidInput(f"Reservations open {venue.horizon_days} days ahead.", field="starts_at")
    start, end = _span(venue, wish.starts_at)
    open_now = await venues.open_time(
        ctx, venue=venue, start=start - timedelta(days=1), end=end + timedelta(days=1)
    )
    if not open_now.covers(Interval.of(start, end)):
        day = hours.service_date_of(start, venue.timezone)
        times = await available_times(
            ctx,
            venue=venue,
            day=day,
            party_size=wish.party_size,
            area_id=wish.area_id,
            for_guest=guest,
        )
        near = assignment.nearest(start, times, ALTERNATIVES)
        raise NoTableAvailable(
            "The venue is not open for the whole reservation then.",
            alternatives=[t.isoformat().replace("+00:00", "Z") for t in near],
        )


def _state(r: Reservation) -> dict[str, object]:
    return {
        "status": r.status,
        "party_size": r.party_size,
        "starts_at": r.starts_at.isoformat(),
        "deposit_cents": r.deposit_cents,
        "deposit_status": r.deposit_status,
        "tables_held_until": r.hold_expires_at.isoformat() if r.hold_expires_at else None,
    }


# --- taking a reservation ------------------------------------------------------------------


def _large(venue: Venue, party_size: int) -> bool:
    return venue.approval_party_size is not None and party_size >= venue.approval_party_size


async def reserve(
    ctx: Ctx, *, venue: Venue, guest: Guest, wish: Wish, source: str = "online"
) -> tuple[Reservation, list[str]]:
    """Create a reservation and hold its tables in the caller's transaction."""
    online = source == "online"
    if online and not venue.published:
        raise NotFound("No such venue.")
    await _check_time(ctx, venue, wish, guest=online)
    if wish.area_id is not None:
        await venues.area_of(ctx, venue=venue, area_id=wish.area_id)
    await expire_lapsed(ctx, venue=venue)
    profile = await guestbook.profile_for(ctx, org_id=venue.org_id, guest=guest)
    large = _large(venue, wish.party_size)
    now = ctx.now()
    start, end = _span(venue, wish.starts_at)
    r = Reservation(
        org_id=venue.org_id,
        venue_id=venue.id,
        user_id=guest.user_id,
        guest_name=guest.name,
        guest_email=guest.email,
        guest_phone=guest.phone,
        party_size=wish.party_size,
        starts_at=start,
        ends_at=end,
        status="pending"
        if online and large
        else ("seated" if source == "walk_in" else "confirmed"),
        source=source,
        guest_id=profile.id if profile else None,
        area_id=wish.area_id,
        occasion=wish.occasion,
        guest_note=wish.guest_note,
        staff_note=wish.staff_note,
        created_by=ctx.actor_id,
        created_at=now,
        updated_at=now,
    )
    await deposits.apply_policy(ctx, venue, r, online=online)
    if r.hold_expires_at is not None:
        r.status = "held"
    ctx.session.add(r)
    await ctx.session.flush()
    table_ids = await _assign(ctx, venue, r, wish)
    if source == "walk_in":
        await guestbook.on_status(ctx, r, "seated")
    await audit.record(
        ctx,
        org_id=venue.org_id,
        action="venue.reservation.create",
        target_type="venue_reservation",
        target_id=r.id,
        after={**_state(r), "tables": table_ids, "source": source},
    )
    await notices.created(ctx, venue, r, table_ids)
    return r, table_ids


async def available_times(
    ctx: Ctx,
    *,
    venue: Venue,
    day: date,
    party_size: int,
    area_id: str | None = None,
    for_guest: bool = True,
) -> list[datetime]:
    """Every start time on a service day at which some table (or combination) is free."""
    day_start, day_end = hours.service_day(day, venue.timezone)
    slot_len = timedelta(minutes=venue.slot_minutes)
    turnover = timedelta(minutes=venue.turnover_minutes)
    open_set = await venues.open_time(
        ctx, venue=venue, start=day_start, end=day_end + slot_len + timedelta(days=1)
    )
    infos = [
        venues.table_info(t) for t in await venues.list_tables(ctx, venue=venue, active_only=True)
    ]
    ranked = assignment.candidates(infos, party_size, preferred_area=area_id)
    if not ranked or party_size > venue.max_party_size:
        return []
    taken = await _taken(ctx, venue, day_start, day_end + slot_len + turnover + assignment.SLOT)
    now = ctx.now()
    earliest = now + timedelta(minutes=venue.lead_minutes) if for_guest else now
    latest = now + timedelta(days=venue.horizon_days)
    out: list[datetime] = []
    t = assignment.ceil_slot(day_start)
    while t < day_end:
        if earliest <= t <= latest and open_set.covers(Interval.of(t, t + slot_len)):
            slots = assignment.slots_for(t, t + slot_len, turnover)
            if any(assignment.is_free(c, slots, taken) for c in ranked):
                out.append(t)
        t += assignment.SLOT
    return out


async def expire_lapsed(ctx: Ctx, *, venue: Venue | None = None) -> int:
    """Release held reservations whose deposit was not paid in time (one venue, or all).

    Run lazily before each new reservation of a venue and by the periodic sweep job. Rows
    are locked (`SKIP LOCKED` on PostgreSQL) so two sweeps never expire one hold twice.
    """
    query = select(Reservation).where(
        Reservation.status == "held", Reservation.hold_expires_at <= ctx.now()
    )
    if venue is not None:
        query = query.where(Reservation.venue_id == venue.id)
    query = query.order_by(Reservation.id).limit(500)
    query = query.with_for_update(skip_locked=True).execution_options(populate_existing=True)
    lapsed = list((await ctx.session.scalars(query)).all())
    for r in lapsed:
        owner = venue if venue is not None else await ctx.session.get(Venue, r.venue_id)
        if owner is not None:
            await set_status(ctx, venue=owner, r=r, status="expired")
    return len(lapsed)


# --- changing ------------------------------------------------------------------------------


async def set_status(
    ctx: Ctx, *, venue: Venue, r: Reservation, status: str, by_guest: bool = False
) -> Reservation:
    if status not in TRANSITIONS.get(r.status, frozenset()):
        raise Conflict(f"A {r.status} reservation cannot become {status}.")
    now = ctx.now()
    if by_guest:
        if status != "cancelled":
            raise PermissionDenied("Guests can only cancel their reservation.")
        cutoff = r.starts_at - timedelta(minutes=venue.cancel_cutoff_minutes)
        if now > cutoff:
            raise Conflict(
                f"Cancel at least {venue.cancel_cutoff_minutes} minutes ahead; call the venue."
            )
    before = _state(r)
    old = r.status
    r.status = status
    r.updated_at = now
    r.version += 1
    if status in ("cancelled", "no_show", "expired"):
        await _release(ctx, r)
        await deposits.on_end(ctx, venue, r, status=status, by_guest=by_guest)
    elif status == "completed":
        await _release(ctx, r, from_slot=assignment.floor_slot(now))
    elif old == "held":
        r.hold_expires_at = None  # confirmed by staff (or paid): the tables stay
    await guestbook.on_status(ctx, r, status)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=r.org_id,
        action=f"venue.reservation.{status}",
        target_type="venue_reservation",
        target_id=r.id,
        before=before,
        after=_state(r),
    )
    ids = [t.id for t in (await tables_of(ctx, [r.id]))[r.id]]
    await notices.changed(ctx, venue, r, ids, old_status=old, by_guest=by_guest)
    return r


async def change(
    ctx: Ctx,
    *,
    venue: Venue,
    r: Reservation,
    starts_at: datetime | None = None,
    party_size: int | None = None,
    table_ids: tuple[str, ...] | None = None,
    notes: dict[str, str | None] | None = None,
    by_guest: bool = False,
) -> Reservation:
    """Move, resize, re-table or annotate a reservation; its tables are taken afresh."""
    if r.status not in ("held", "pending", "confirmed", "seated"):
        raise Conflict(f"A {r.status} reservation cannot be changed.")
    if by_guest:
        cutoff = r.starts_at - timedelta(minutes=venue.cancel_cutoff_minutes)
        if ctx.now() > cutoff or r.status == "seated":
            raise Conflict("It is too late to change this reservation online; call the venue.")
    before = _state(r)
    for key, value in (notes or {}).items():
        setattr(r, key, value)
    moved = (starts_at is not None and starts_at != r.starts_at) or (
        party_size is not None and party_size != r.party_size
    )
    if moved or table_ids:
        wish = Wish(
            starts_at=starts_at or r.starts_at,
            party_size=party_size or r.party_size,
            area_id=r.area_id,
            table_ids=table_ids,
        )
        if moved:
            await _check_time(ctx, venue, wish, guest=by_guest)
        await _unassign(ctx, r)
        r.starts_at, r.ends_at = _span(venue, wish.starts_at)
        r.party_size = wish.party_size
        await deposits.apply_policy(ctx, venue, r, online=r.source == "online")
        if r.status == "held" and r.hold_expires_at is None:
            r.status = "pending" if _large(venue, r.party_size) else "confirmed"
        elif r.status in ("pending", "confirmed") and r.hold_expires_at is not None:
            r.status = "held"  # grew into a party that owes a deposit first
        await ctx.session.flush()
        await _assign(ctx, venue, r, wish)
    r.updated_at = ctx.now()
    r.version += 1
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=r.org_id,
        action="venue.reservation.update",
        target_type="venue_reservation",
        target_id=r.id,
        before=before,
        after={**_state(r), "notes_changed": sorted(notes or {})},
    )
    ids = [t.id for t in (await tables_of(ctx, [r.id]))[r.id]]
    await notices.changed(ctx, venue, r, ids, old_status=r.status, moved=moved, by_guest=by_guest)
    return r


async def set_deposit_status(ctx: Ctx, *, r: Reservation, status: str) -> Reservation:
    if r.deposit_cents <= 0 and status != "waived":
        raise Conflict("This reservation carries no deposit.")
    before = {"deposit_status": r.deposit_status}
    r.deposit_status = status
    r.updated_at = ctx.now()
    r.version += 1
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=r.org_id,
        action="venue.reservation.deposit",
        target_type="venue_reservation",
        target_id=r.id,
        before=before,
        after={"deposit_status": status},
    )
    return r
