"""Holiday calendars of an organisation: named lists of whole local days (org's zone).

Every date of every calendar of an organisation is applied as unavailable to its members in
that organisation's find-a-time and standing-slot searches (the core's `HolidayCalendar`
layer, between the weekly pattern and the person's own exceptions, so a personal
"available" exception still wins). Writes are audited; names are unique per organisation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select

from cadence.accounts.models import Organisation
from cadence.audit import service as audit
from cadence.availability.models import OrgHolidayCalendar
from cadence.context import Ctx
from cadence.errors import AlreadyExists, NotFound
from cadence.time.layers import HolidayCalendar

MAX_DATES = 1000


def _stored(dates: Sequence[date]) -> list[str]:
    return sorted({d.isoformat() for d in dates})


async def _name_taken(ctx: Ctx, org_id: str, name: str, *, other_than: str | None) -> None:
    query = select(OrgHolidayCalendar.id).where(
        OrgHolidayCalendar.org_id == org_id, OrgHolidayCalendar.name == name
    )
    found = await ctx.session.scalar(query)
    if found is not None and found != other_than:
        raise AlreadyExists("A holiday calendar with this name exists.", field="name")


async def list_calendars(ctx: Ctx, *, org_id: str) -> list[OrgHolidayCalendar]:
    query = (
        select(OrgHolidayCalendar)
        .where(OrgHolidayCalendar.org_id == org_id)
        .order_by(OrgHolidayCalendar.name, OrgHolidayCalendar.id)
    )
    return list((await ctx.session.scalars(query)).all())


async def get_calendar(ctx: Ctx, *, org_id: str, calendar_id: str) -> OrgHolidayCalendar:
    row = await ctx.session.get(OrgHolidayCalendar, calendar_id)
    if row is None or row.org_id != org_id:
        raise NotFound("No such holiday calendar.")
    return row


async def create_calendar(
    ctx: Ctx, *, org_id: str, name: str, dates: Sequence[date]
) -> OrgHolidayCalendar:
    await _name_taken(ctx, org_id, name, other_than=None)
    now = ctx.now()
    row = OrgHolidayCalendar(
        org_id=org_id, name=name, dates=_stored(dates), created_at=now, updated_at=now
    )
    ctx.session.add(row)
    await ctx.session.flush()
    await audit.record(
        ctx,
        action="holidays.create",
        target_type="holiday_calendar",
        target_id=row.id,
        org_id=org_id,
        after={"name": name, "dates": row.dates},
    )
    return row


async def replace_calendar(
    ctx: Ctx, *, org_id: str, calendar_id: str, name: str, dates: Sequence[date]
) -> OrgHolidayCalendar:
    row = await get_calendar(ctx, org_id=org_id, calendar_id=calendar_id)
    await _name_taken(ctx, org_id, name, other_than=row.id)
    before = {"name": row.name, "dates": list(row.dates)}
    row.name, row.dates, row.updated_at = name, _stored(dates), ctx.now()
    await ctx.session.flush()
    await audit.record(
        ctx,
        action="holidays.update",
        target_type="holiday_calendar",
        target_id=row.id,
        org_id=org_id,
        before=before,
        after={"name": name, "dates": row.dates},
    )
    return row


async def delete_calendar(ctx: Ctx, *, org_id: str, calendar_id: str) -> None:
    row = await get_calendar(ctx, org_id=org_id, calendar_id=calendar_id)
    before = {"name": row.name, "dates": list(row.dates)}
    await ctx.session.execute(
        delete(OrgHolidayCalendar).where(OrgHolidayCalendar.id == calendar_id)
    )
    await audit.record(
        ctx,
        action="holidays.delete",
        target_type="holiday_calendar",
        target_id=calendar_id,
        org_id=org_id,
        before=before,
    )


async def holidays_of(
    ctx: Ctx, *, org_id: str, window_start: datetime, window_end: datetime
) -> tuple[HolidayCalendar, ...]:
    """The organisation's calendars as core layers, keeping only dates near the window."""
    zone = await ctx.session.scalar(select(Organisation.timezone).where(Organisation.id == org_id))
    if zone is None:
        return ()
    lo = (window_start - timedelta(days=2)).date()
    hi = (window_end + timedelta(days=2)).date()
    out = []
    for row in await list_calendars(ctx, org_id=org_id):
        days = frozenset(d for d in map(date.fromisoformat, row.dates) if lo <= d <= hi)
        if days:
            out.append(HolidayCalendar(row.name, zone, days))
    return tuple(out)
