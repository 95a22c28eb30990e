"""Venue settings, floor (areas and tables) and opening hours: read and write one thing.

Reservations live in `reservations.py`, their notices in `notices.py`, event nights in
`nights.py`. Every write here flushes and records an audit entry; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update

from cadence.accounts import orgs as org_service
from cadence.accounts.models import Organisation, User
from cadence.audit import service as audit
from cadence.context import Ctx
from cadence.errors import Conflict, InvalidInput, NotFound, StaleEdit
from cadence.time.intervals import Interval, IntervalSet
from cadence.time.layers import InvalidPatternError
from cadence.time.zones import UnknownTimezoneError, get_zone
from cadence.venues import hours
from cadence.venues.assignment import TableInfo
from cadence.venues.models import (
    Reservation,
    ReservationTable,
    Venue,
    VenueArea,
    VenueHoursException,
    VenueTable,
)

ACTIVE = ("pending", "confirmed", "seated")
SETTINGS = (
    "name",
    "timezone",
    "description",
    "published",
    "slot_minutes",
    "turnover_minutes",
    "lead_minutes",
    "horizon_days",
    "max_party_size",
    "approval_party_size",
    "deposit_party_size",
    "deposit_cents_per_person",
    "currency",
    "cancel_cutoff_minutes",
    "deposit_provider",
    "deposit_hold_minutes",
    "deposit_refund_minutes",
)


# --- the venue -----------------------------------------------------------------------------


async def venue_of_org(ctx: Ctx, org_id: str) -> Venue:
    venue = await ctx.session.scalar(select(Venue).where(Venue.org_id == org_id))
    if venue is None:
        raise NotFound("This organisation has not set up its venue yet.")
    return venue


async def find_venue(ctx: Ctx, org_id: str) -> Venue | None:
    return await ctx.session.scalar(select(Venue).where(Venue.org_id == org_id))


async def visible_venue(ctx: Ctx, *, venue_id: str, user: User) -> Venue:
    """A published venue for anyone signed in; an unpublished one only for its members."""
    venue = await ctx.session.get(Venue, venue_id)
    if venue is None:
        raise NotFound("No such venue.")
    if not venue.published:
        membership = await org_service.membership_of(ctx, org_id=venue.org_id, user_id=user.id)
        if membership is None:
            raise NotFound("No such venue.")
    return venue


async def published_venues(ctx: Ctx) -> list[Venue]:
    query = select(Venue).where(Venue.published.is_(True)).order_by(Venue.name, Venue.id)
    return list((await ctx.session.scalars(query.limit(200))).all())


def _check_zone(timezone: str) -> None:
    try:
        get_zone(timezone)
    except UnknownTimezoneError as exc:
        raise InvalidInput(str(exc), field="timezone") from None


def _settings_of(venue: Venue) -> dict[str, Any]:
    return {key: getattr(venue, key) for key in SETTINGS}


async def save_venue(ctx: Ctx, *, org: Organisation, settings: dict[str, Any]) -> Venue:
    """Create the organisation's venue, or replace its settings."""
    _check_zone(str(settings["timezone"]))
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise InvalidInput(f"Unknown settings: {', '.join(sorted(unknown))}.")
    now = ctx.now()
    venue = await find_venue(ctx, org.id)
    if venue is None:
        venue = Venue(org_id=org.id, created_at=now, updated_at=now, weekly_hours=[], **settings)
        ctx.session.add(venue)
        await ctx.session.flush()
        await audit.record(
            ctx,
            org_id=org.id,
            action="venue.create",
            target_type="venue",
            target_id=venue.id,
            after=_settings_of(venue),
        )
        return venue
    before = _settings_of(venue)
    if settings["timezone"] != venue.timezone and venue.weekly_hours:
        hours.pattern(str(settings["timezone"]), _entries(venue))
    for key, value in settings.items():
        setattr(venue, key, value)
    venue.updated_at = now
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=org.id,
        action="venue.update",
        target_type="venue",
        target_id=venue.id,
        before=before,
        after=_settings_of(venue),
    )
    return venue


# --- opening hours -------------------------------------------------------------------------


def _entries(venue: Venue) -> list[hours.HoursEntry]:
    return [hours.HoursEntry(int(e["weekday"]), e["start"], e["end"]) for e in venue.weekly_hours]


async def set_hours(ctx: Ctx, *, venue: Venue, weekly: Sequence[hours.HoursEntry]) -> Venue:
    try:
        hours.pattern(venue.timezone, weekly)
    except InvalidPatternError as exc:
        raise InvalidInput(f"Opening hours: {exc.message}.", field=exc.field) from None
    except ValueError as exc:
        raise InvalidInput(f"Opening hours: {exc}.", field="weekly") from None
    before = list(venue.weekly_hours)
    venue.weekly_hours = [{"weekday": e.weekday, "start": e.start, "end": e.end} for e in weekly]
    venue.updated_at = ctx.now()
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=venue.org_id,
        action="venue.hours.set",
        target_type="venue",
        target_id=venue.id,
        before={"weekly": before},
        after={"weekly": venue.weekly_hours},
    )
    return venue


async def add_exception(
    ctx: Ctx,
    *,
    venue: Venue,
    day: date,
    closed: bool,
    opens: str | None,
    closes: str | None,
    note: str | None,
) -> VenueHoursException:
    if not closed and (not opens or not closes):
        raise InvalidInput("Special hours need both `opens` and `closes`.", field="opens")
    row = VenueHoursException(
        org_id=venue.org_id,
        venue_id=venue.id,
        day=day,
        closed=closed,
        opens=None if closed else opens,
        closes=None if closed else closes,
        note=note,
        created_at=ctx.now(),
    )
    ctx.session.add(row)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=venue.org_id,
        action="venue.exception.create",
        target_type="venue_hours_exception",
        target_id=row.id,
        after={"day": day.isoformat(), "closed": closed, "opens": row.opens, "closes": row.closes},
    )
    return row


async def list_exceptions(
    ctx: Ctx, *, venue: Venue, from_day: date | None = None, until_day: date | None = None
) -> list[VenueHoursException]:
    query = select(VenueHoursException).where(VenueHoursException.venue_id == venue.id)
    if from_day is not None:
        query = query.where(VenueHoursException.day >= from_day)
    if until_day is not None:
        query = query.where(VenueHoursException.day <= until_day)
    query = query.order_by(VenueHoursException.created_at, VenueHoursException.id)
    return list((await ctx.session.scalars(query)).all())


async def delete_exception(ctx: Ctx, *, venue: Venue, exception_id: str) -> None:
    row = await ctx.session.get(VenueHoursException, exception_id)
    if row is None or row.venue_id != venue.id:
        raise NotFound("No such exception.")
    await ctx.session.delete(row)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=venue.org_id,
        action="venue.exception.delete",
        target_type="venue_hours_exception",
        target_id=exception_id,
        before={"day": row.day.isoformat(), "closed": row.closed},
    )


async def open_time(ctx: Ctx, *, venue: Venue, start: datetime, end: datetime) -> IntervalSet:
    """When the venue is open within [start, end), dated exceptions applied."""
    zone = get_zone(venue.timezone)
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    rows = await list_exceptions(ctx, venue=venue, from_day=first, until_day=last)
    exceptions = [hours.DayException(r.day, r.closed, r.opens, r.closes) for r in rows]
    return hours.open_time(venue.timezone, _entries(venue), exceptions, Interval.of(start, end))


# --- areas ---------------------------------------------------------------------------------


async def list_areas(ctx: Ctx, *, venue: Venue) -> list[VenueArea]:
    query = select(VenueArea).where(VenueArea.venue_id == venue.id)
    return list(await ctx.session.scalars(query.order_by(VenueArea.position, VenueArea.name)))


async def area_of(ctx: Ctx, *, venue: Venue, area_id: str) -> VenueArea:
    area = await ctx.session.get(VenueArea, area_id)
    if area is None or area.venue_id != venue.id:
        raise NotFound("No such area.")
    return area


async def _name_free(
    ctx: Ctx,
    model: type[VenueArea] | type[VenueTable],
    venue: Venue,
    name: str,
    except_id: str | None = None,
) -> None:
    query = select(model.id).where(model.venue_id == venue.id, model.name == name)
    existing = await ctx.session.scalar(query)
    if existing is not None and existing != except_id:
        raise Conflict(f"There is already one named {name!r}.", field="name")


async def create_area(ctx: Ctx, *, venue: Venue, name: str, position: int) -> VenueArea:
    await _name_free(ctx, VenueArea, venue, name)
    area = VenueArea(org_id=venue.org_id, venue_id=venue.id, name=name, position=position)
    ctx.session.add(area)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=venue.org_id,
        action="venue.area.create",
        target_type="venue_area",
        target_id=area.id,
        after={"name": name, "position": position},
    )
    return area


async def update_area(
    ctx: Ctx, *, area: VenueArea, venue: Venue, changes: dict[str, Any]
) -> VenueArea:
    if "name" in changes:
        await _name_free(ctx, VenueArea, venue, str(changes["name"]), area.id)
    before = {k: getattr(area, k) for k in changes}
    for key, value in changes.items():
        setattr(area, key, value)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=area.org_id,
        action="venue.area.update",
        target_type="venue_area",
        target_id=area.id,
        before=before,
        after=changes,
    )
    return area


async def delete_area(ctx: Ctx, *, area: VenueArea) -> None:
    tables = await ctx.session.scalar(select(VenueTable.id).where(VenueTable.area_id == area.id))
    if tables is not None:
        raise Conflict("Move or delete the area's tables first.")
    await ctx.session.delete(area)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=area.org_id,
        action="venue.area.delete",
        target_type="venue_area",
        target_id=area.id,
        before={"name": area.name},
    )


# --- tables --------------------------------------------------------------------------------


async def bump_floor(ctx: Ctx, venue: Venue, *, expected: int | None = None) -> int:
    """Count a change of the floor, as one conditional update of the venue's row.

    With `expected` (the version an editor loaded) a floor changed since answers 409; on
    PostgreSQL the row stays locked until commit, so floor edits take turns. Called before
    the tables are touched, so every floor write locks the venue first, then its tables.
    """
    query = update(Venue).where(Venue.id == venue.id)
    if expected is not None:
        query = query.where(Venue.floor_version == expected)
    result = await ctx.session.execute(
        query.values(floor_version=Venue.floor_version + 1).execution_options(
            synchronize_session=False
        )
    )
    await ctx.session.refresh(venue, ["floor_version"])
    if int(getattr(result, "rowcount", 0) or 0) != 1:
        raise StaleEdit(
            f"The floor was changed since version {expected}; it is now at version "
            f"{venue.floor_version}. Reload the plan and place the tables again.",
            current_version=venue.floor_version,
        )
    return venue.floor_version


async def list_tables(ctx: Ctx, *, venue: Venue, active_only: bool = False) -> list[VenueTable]:
    query = select(VenueTable).where(VenueTable.venue_id == venue.id)
    if active_only:
        query = query.where(VenueTable.active.is_(True))
    query = query.order_by(VenueTable.position, VenueTable.name)
    return list((await ctx.session.scalars(query)).all())


def table_info(t: VenueTable) -> TableInfo:
    return TableInfo(
        id=t.id,
        name=t.name,
        area_id=t.area_id,
        seats_min=t.seats_min,
        seats_max=t.seats_max,
        combinable=t.combinable,
        neighbours=frozenset(t.neighbours or ()),
    )


async def table_of(ctx: Ctx, *, venue: Venue, table_id: str) -> VenueTable:
    table = await ctx.session.get(VenueTable, table_id)
    if table is None or table.venue_id != venue.id:
        raise NotFound("No such table.")
    return table


async def _check_table(ctx: Ctx, venue: Venue, fields: dict[str, Any], self_id: str | None) -> None:
    if "area_id" in fields:
        area = await ctx.session.get(VenueArea, fields["area_id"])
        if area is None or area.venue_id != venue.id:
            raise InvalidInput("No such area at this venue.", field="area_id")
    if fields.get("neighbours"):
        ids = set(fields["neighbours"])
        if self_id in ids:
            raise InvalidInput("A table cannot be its own neighbour.", field="neighbours")
        query = select(VenueTable.id).where(VenueTable.venue_id == venue.id, VenueTable.id.in_(ids))
        found = set((await ctx.session.scalars(query)).all())
        if found != ids:
            raise InvalidInput("Neighbours must be tables of this venue.", field="neighbours")


def _table_state(t: VenueTable) -> dict[str, Any]:
    return {
        "name": t.name,
        "area_id": t.area_id,
        "seats_min": t.seats_min,
        "seats_max": t.seats_max,
        "combinable": t.combinable,
        "neighbours": list(t.neighbours or ()),
        "tags": list(t.tags or ()),
        "active": t.active,
        "x": t.x,
        "y": t.y,
        "shape": t.shape,
    }


async def create_table(ctx: Ctx, *, venue: Venue, fields: dict[str, Any]) -> VenueTable:
    if fields["seats_min"] > fields["seats_max"]:
        raise InvalidInput("seats_min must not exceed seats_max.", field="seats_min")
    await _name_free(ctx, VenueTable, venue, str(fields["name"]))
    await _check_table(ctx, venue, fields, None)
    await bump_floor(ctx, venue)
    table = VenueTable(org_id=venue.org_id, venue_id=venue.id, **fields)
    ctx.session.add(table)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=venue.org_id,
        action="venue.table.create",
        target_type="venue_table",
        target_id=table.id,
        after=_table_state(table),
    )
    return table


async def update_table(
    ctx: Ctx, *, venue: Venue, table: VenueTable, changes: dict[str, Any]
) -> VenueTable:
    if "name" in changes:
        await _name_free(ctx, VenueTable, venue, str(changes["name"]), table.id)
    await _check_table(ctx, venue, changes, table.id)
    seats_min = changes.get("seats_min", table.seats_min)
    seats_max = changes.get("seats_max", table.seats_max)
    if seats_min > seats_max:
        raise InvalidInput("seats_min must not exceed seats_max.", field="seats_min")
    before = _table_state(table)
    await bump_floor(ctx, venue)
    for key, value in changes.items():
        setattr(table, key, value)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=venue.org_id,
        action="venue.table.update",
        target_type="venue_table",
        target_id=table.id,
        before=before,
        after=_table_state(table),
    )
    return table


async def delete_table(ctx: Ctx, *, venue: Venue, table: VenueTable) -> None:
    """Delete a table that holds no upcoming reservation (deactivate it otherwise)."""
    upcoming = await ctx.session.scalar(
        select(Reservation.id)
        .join(ReservationTable, ReservationTable.reservation_id == Reservation.id)
        .where(
            ReservationTable.table_id == table.id,
            Reservation.status.in_(ACTIVE),
            Reservation.ends_at > ctx.now(),
        )
        .limit(1)
    )
    if upcoming is not None:
        raise Conflict("The table has upcoming reservations; deactivate it instead.")
    await bump_floor(ctx, venue)
    for other in await list_tables(ctx, venue=venue):
        if table.id in (other.neighbours or ()):
            other.neighbours = [n for n in other.neighbours if n != table.id]
    await ctx.session.execute(delete(ReservationTable).where(ReservationTable.table_id == table.id))
    await ctx.session.delete(table)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=venue.org_id,
        action="venue.table.delete",
        target_type="venue_table",
        target_id=table.id,
        before=_table_state(table),
    )
