"""Resources of an organisation (rooms, venues, kit): the person layer model, reused.

A resource's weekly pattern is validated and stored exactly as a person's (`_to_core`,
`_stored` of the availability service), its exceptions keep creation order (`position`)
and the later one wins; `resource_availability` gives the core's `Availability` with the
organisation's holiday calendars layered in, as for members.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select

from cadence.audit import service as audit
from cadence.availability.holidays import holidays_of
from cadence.availability.models import OrgResource, OrgResourceException
from cadence.availability.service import (
    RangeIn,
    _stored,
    _to_core,
    check_exception,
    exception_summary,
    next_position,
    weekly_pattern,
)
from cadence.context import Ctx
from cadence.errors import AlreadyExists, NotFound
from cadence.time.layers import Adjustment, Availability, Level


async def _name_free(ctx: Ctx, org_id: str, name: str, *, other_than: str | None) -> None:
    found = await ctx.session.scalar(
        select(OrgResource.id).where(OrgResource.org_id == org_id, OrgResource.name == name)
    )
    if found is not None and found != other_than:
        raise AlreadyExists("A resource with this name exists.", field="name")


async def list_resources(ctx: Ctx, *, org_id: str) -> list[OrgResource]:
    query = (
        select(OrgResource)
        .where(OrgResource.org_id == org_id)
        .order_by(OrgResource.name, OrgResource.id)
    )
    return list((await ctx.session.scalars(query)).all())


async def get_resource(ctx: Ctx, *, org_id: str, resource_id: str) -> OrgResource:
    row = await ctx.session.get(OrgResource, resource_id)
    if row is None or row.org_id != org_id:
        raise NotFound("No such resource.")
    return row


async def save_resource(
    ctx: Ctx,
    *,
    org_id: str,
    resource_id: str | None,
    name: str,
    timezone: str,
    weekly: Sequence[RangeIn],
) -> OrgResource:
    """Create (``resource_id=None``) or replace a resource; 422 on a bad pattern."""
    stored = _stored(_to_core(timezone, weekly))
    now = ctx.now()
    before = None
    if resource_id is None:
        await _name_free(ctx, org_id, name, other_than=None)
        row = OrgResource(
            org_id=org_id,
            name=name,
            timezone=timezone,
            weekly=stored,
            created_at=now,
            updated_at=now,
        )
        ctx.session.add(row)
    else:
        row = await get_resource(ctx, org_id=org_id, resource_id=resource_id)
        await _name_free(ctx, org_id, name, other_than=row.id)
        before = {"name": row.name, "timezone": row.timezone, "weekly": row.weekly}
        row.name, row.timezone, row.weekly, row.updated_at = name, timezone, stored, now
    await ctx.session.flush()
    await audit.record(
        ctx,
        action="resource.create" if before is None else "resource.update",
        target_type="resource",
        target_id=row.id,
        org_id=org_id,
        before=before,
        after={"name": name, "timezone": timezone, "weekly": stored},
    )
    return row


async def delete_resource(ctx: Ctx, *, org_id: str, resource_id: str) -> None:
    row = await get_resource(ctx, org_id=org_id, resource_id=resource_id)
    before = {"name": row.name, "timezone": row.timezone, "weekly": row.weekly}
    await ctx.session.execute(
        delete(OrgResourceException).where(OrgResourceException.resource_id == row.id)
    )
    await ctx.session.execute(delete(OrgResource).where(OrgResource.id == row.id))
    await audit.record(
        ctx,
        action="resource.delete",
        target_type="resource",
        target_id=resource_id,
        org_id=org_id,
        before=before,
    )


async def add_exception(
    ctx: Ctx,
    *,
    org_id: str,
    resource_id: str,
    starts_at: datetime,
    ends_at: datetime,
    level: str,
    note: str | None = None,
) -> OrgResourceException:
    row = await get_resource(ctx, org_id=org_id, resource_id=resource_id)
    check_exception(starts_at, ends_at, level)
    exc = OrgResourceException(
        resource_id=row.id,
        position=await next_position(
            ctx, OrgResourceException.position, OrgResourceException.resource_id, row.id
        ),
        starts_at=starts_at,
        ends_at=ends_at,
        level=level,
        note=note,
        created_at=ctx.now(),
    )
    ctx.session.add(exc)
    await ctx.session.flush()
    await audit.record(
        ctx,
        action="resource.exception.create",
        target_type="resource_exception",
        target_id=exc.id,
        org_id=org_id,
        after=exception_summary(starts_at, ends_at, level),
    )
    return exc


async def list_exceptions(ctx: Ctx, *, org_id: str, resource_id: str) -> list[OrgResourceException]:
    row = await get_resource(ctx, org_id=org_id, resource_id=resource_id)
    query = (
        select(OrgResourceException)
        .where(OrgResourceException.resource_id == row.id)
        .order_by(OrgResourceException.position)
    )
    return list((await ctx.session.scalars(query)).all())


async def delete_exception(ctx: Ctx, *, org_id: str, resource_id: str, exception_id: str) -> None:
    row = await get_resource(ctx, org_id=org_id, resource_id=resource_id)
    exc = await ctx.session.get(OrgResourceException, exception_id)
    if exc is None or exc.resource_id != row.id:
        raise NotFound("No such exception.")
    await ctx.session.execute(
        delete(OrgResourceException).where(OrgResourceException.id == exception_id)
    )
    await audit.record(
        ctx,
        action="resource.exception.delete",
        target_type="resource_exception",
        target_id=exception_id,
        org_id=org_id,
    )


async def resource_availability(
    ctx: Ctx, *, org_id: str, resource_id: str, window_start: datetime, window_end: datetime
) -> Availability:
    """The resource's layers over the window: pattern, the org's holidays, exceptions."""
    row = await get_resource(ctx, org_id=org_id, resource_id=resource_id)
    rows = await ctx.session.execute(
        select(
            OrgResourceException.starts_at,
            OrgResourceException.ends_at,
            OrgResourceException.level,
        )
        .where(
            OrgResourceException.resource_id == row.id,
            OrgResourceException.ends_at > window_start,
            OrgResourceException.starts_at < window_end,
        )
        .order_by(OrgResourceException.position)
    )
    return Availability(
        pattern=weekly_pattern(row.timezone, row.weekly),
        holidays=await holidays_of(
            ctx, org_id=org_id, window_start=window_start, window_end=window_end
        ),
        adjustments=tuple(Adjustment(s, e, Level(level)) for s, e, level in rows),
    )


async def ensure_resources(
    ctx: Ctx, *, org_id: str, resource_ids: Sequence[str]
) -> dict[str, OrgResource]:
    """The listed resources by id; one that is not the organisation's answers 404."""
    ids = list(dict.fromkeys(resource_ids))
    if not ids:
        return {}
    rows = {
        r.id: r
        for r in await ctx.session.scalars(
            select(OrgResource).where(OrgResource.org_id == org_id, OrgResource.id.in_(ids))
        )
    }
    missing = [i for i in ids if i not in rows]
    if missing:
        raise NotFound(f"No resource {missing[0]!r} in this organisation.")
    return rows


async def resources_availability(
    ctx: Ctx,
    *,
    org_id: str,
    resource_ids: Sequence[str],
    window_start: datetime,
    window_end: datetime,
) -> dict[str, Availability]:
    """Several resources' layers at once (three queries); one of another org answers 404."""
    ids = list(dict.fromkeys(resource_ids))
    if not ids:
        return {}
    rows = await ensure_resources(ctx, org_id=org_id, resource_ids=ids)
    adjustments: dict[str, list[Adjustment]] = defaultdict(list)
    found = await ctx.session.execute(
        select(
            OrgResourceException.resource_id,
            OrgResourceException.starts_at,
            OrgResourceException.ends_at,
            OrgResourceException.level,
        )
        .where(
            OrgResourceException.resource_id.in_(ids),
            OrgResourceException.ends_at > window_start,
            OrgResourceException.starts_at < window_end,
        )
        .order_by(OrgResourceException.resource_id, OrgResourceException.position)
    )
    for rid, start, end, level in found:
        adjustments[rid].append(Adjustment(start, end, Level(level)))
    holidays = await holidays_of(
        ctx, org_id=org_id, window_start=window_start, window_end=window_end
    )
    return {
        rid: Availability(
            pattern=weekly_pattern(rows[rid].timezone, rows[rid].weekly),
            holidays=holidays,
            adjustments=tuple(adjustments[rid]),
        )
        for rid in ids
    }
