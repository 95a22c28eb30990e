"""Ticketed events: a calendar event with a seat pool, published or kept as a draft."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from cadence.accounts.models import Membership, User
from cadence.accounts.roles import Role
from cadence.audit import service as audit
from cadence.booking import service as booking
from cadence.booking.models import Booking, CapacityPool, WaitlistEntry
from cadence.booking.notices import announce_event_cancelled, announce_event_changed
from cadence.booking.ticketed import check_capacity as _check_capacity
from cadence.booking.ticketed import check_times as _check_times
from cadence.booking.ticketed import create_ticketed_event
from cadence.calendar.models import Event
from cadence.context import Ctx
from cadence.errors import NotFound, StaleEdit
from cadence.notify.reminders import reschedule_reminders
from cadence.pagination import Page, paginate

# Creating a ticketed event is the booking engine's job (venues sell event nights too).
create = create_ticketed_event


@dataclass(frozen=True)
class EventFilters:
    query: str | None = None
    category: str | None = None
    venue: str | None = None
    starts_from: datetime | None = None
    starts_until: datetime | None = None
    free: bool | None = None
    available_only: bool = False


async def _role_in(ctx: Ctx, org_id: str, user_id: str) -> Role | None:
    query = select(Membership.role).where(
        Membership.org_id == org_id, Membership.user_id == user_id
    )
    role = (await ctx.session.scalars(query)).first()
    return Role(role) if role else None


async def readable(ctx: Ctx, *, event_id: str, user: User) -> Event:
    """A published event for anyone signed in; a draft only for its organisation's managers."""
    event = await ctx.session.get(Event, event_id)
    if event is None or event.kind != "ticketed":
        raise NotFound("No such event.")
    if not event.published:
        role = await _role_in(ctx, event.org_id, user.id)
        if role is None or not role.at_least(Role.manager):
            raise NotFound("No such event.")
    return event


async def readable_stock(ctx: Ctx, *, event_id: str, user_id: str) -> booking.Stock:
    """`readable` for the booking route: the same rule (published for anyone signed in, a
    draft for its organisation's managers), answered with the event's seats from the same
    statement and no ORM objects."""
    stock = await booking.stock_of(ctx, event_id)
    if stock is None or stock.kind != "ticketed":
        raise NotFound("No such event.")
    if not stock.published:
        role = await _role_in(ctx, stock.org_id, user_id)
        if role is None or not role.at_least(Role.manager):
            raise NotFound("No such event.")
    return stock


async def load(ctx: Ctx, event_id: str) -> Event:
    event = await ctx.session.get(Event, event_id)
    if event is None:
        raise NotFound("No such event.")
    return event


async def managed(ctx: Ctx, *, event_id: str, user: User) -> Event:
    """The event, for managers (and above) of its organisation only; 404 for others."""
    event = await ctx.session.get(Event, event_id)
    if event is None or event.kind != "ticketed":
        raise NotFound("No such event.")
    role = await _role_in(ctx, event.org_id, user.id)
    if role is None:
        raise NotFound("No such event.")
    if not role.at_least(Role.manager):
        from cadence.errors import PermissionDenied

        raise PermissionDenied("Managing events needs the manager role or higher.")
    return event


async def update_event(
    ctx: Ctx, *, event: Event, version: int | None, changes: dict[str, object]
) -> Event:
    """Edit with an optimistic check: a stale `version` answers 409 instead of overwriting."""
    if version is not None and version != event.version:
        raise StaleEdit(
            f"The event was changed since version {version}; it is now at "
            f"version {event.version}. Reload and edit again.",
            current_version=event.version,
        )
    before = {k: _plain(getattr(event, k)) for k in changes if k != "capacity"}
    raw = {k: getattr(event, k) for k in ("starts_at", "ends_at", "venue", "name")}
    capacity = changes.pop("capacity", None)
    for key, value in changes.items():
        setattr(event, key, value)
    _check_times(event.starts_at, event.ends_at)
    if isinstance(capacity, int):
        _check_capacity(capacity)
        await booking.set_capacity(ctx, event=event, capacity=capacity)
        await _offer(ctx, event)
    event.version += 1
    event.sequence += 1
    event.updated_at = ctx.now()
    await ctx.session.flush()
    moved = [
        k for k in ("starts_at", "ends_at", "venue", "name") if raw.get(k, ...) != getattr(event, k)
    ]
    if moved and event.status != "cancelled":
        await announce_event_changed(ctx, event, moved)
    await audit.record(
        ctx,
        org_id=event.org_id,
        action="event.update",
        target_type="event",
        target_id=event.id,
        before=before,
        after={k: _plain(v) for k, v in changes.items()},
    )
    await reschedule_reminders(ctx, event.id)
    return event


async def _offer(ctx: Ctx, event: Event) -> None:
    from cadence.booking.waitlist import offer_freed_seats

    await offer_freed_seats(ctx, event_id=event.id)


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


async def cancel_event(ctx: Ctx, *, event: Event) -> Event:
    """Cancel the event and every booking of it; everyone affected is told."""
    if event.status == "cancelled":
        return event
    event.status = "cancelled"
    event.sequence += 1
    event.version += 1
    event.updated_at = ctx.now()
    live = (
        await ctx.session.scalars(
            select(Booking).where(
                Booking.event_id == event.id, Booking.status.in_(("confirmed", "held"))
            )
        )
    ).all()
    for item in live:
        await booking.cancel(ctx, booking=item, by="organiser")
    waiting = (
        await ctx.session.scalars(
            select(WaitlistEntry).where(
                WaitlistEntry.event_id == event.id,
                WaitlistEntry.status.in_(("waiting", "offered")),
            )
        )
    ).all()
    for entry in waiting:
        entry.status = "left"
    await announce_event_cancelled(ctx, event, waiting)
    await audit.record(
        ctx,
        org_id=event.org_id,
        action="event.cancel",
        target_type="event",
        target_id=event.id,
        after={"bookings_cancelled": len(live), "waitlist_told": len(waiting)},
    )
    await reschedule_reminders(ctx, event.id)
    return event


def _filtered(query: Select[Event], f: EventFilters) -> Select[Event]:
    if f.query:
        like = f"%{f.query.lower()}%"
        query = query.where(Event.name.ilike(like) | Event.description.ilike(like))
    if f.category:
        query = query.where(Event.category == f.category)
    if f.venue:
        query = query.where(Event.venue.ilike(f"%{f.venue}%"))
    if f.starts_from:
        query = query.where(Event.starts_at >= f.starts_from)
    if f.starts_until:
        query = query.where(Event.starts_at < f.starts_until)
    if f.free is not None:
        priced = aliased(CapacityPool)
        paid = (
            select(priced.id)
            .where(priced.event_id == Event.id, priced.price_cents > 0)
            .correlate(Event)
            .exists()
        )
        query = query.where(~paid if f.free else paid)
    if f.available_only:
        query = query.join(
            CapacityPool, (CapacityPool.event_id == Event.id) & (CapacityPool.kind == "seats")
        )
        query = query.where(CapacityPool.taken < CapacityPool.capacity)
    return query


async def public_listing(
    ctx: Ctx, *, filters: EventFilters, cursor: str | None, limit: int
) -> Page[Event]:
    query = select(Event).where(
        Event.kind == "ticketed", Event.published.is_(True), Event.status != "cancelled"
    )
    return await paginate(
        ctx.session, _filtered(query, filters), Event.id, cursor=cursor, limit=limit
    )


async def org_listing(
    ctx: Ctx, *, org_id: str, filters: EventFilters, cursor: str | None, limit: int
) -> Page[Event]:
    query = select(Event).where(Event.kind == "ticketed", Event.org_id == org_id)
    return await paginate(
        ctx.session, _filtered(query, filters), Event.id, cursor=cursor, limit=limit
    )
