"""HTTP API of an organisation's holiday calendars and resources: members read, managers write."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from cadence.availability import holidays, resources
from cadence.availability.models import OrgHolidayCalendar, OrgResource, OrgResourceException
from cadence.availability.schemas import ExceptionIn, ExceptionOut, ExceptionPage, WeeklyRangeIO
from cadence.availability.service import RangeIn
from cadence.findtime.schemas import UtcDatetime
from cadence.http.deps import CtxDep, ManagerDep, MemberDep, load_org
from cadence.http.schemas import PROBLEM_RESPONSES, Input

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES, tags=["availability"])
HolidayId = Annotated[str, Path(max_length=64)]


class HolidayCalendarIn(Input):
    name: str = Field(min_length=1, max_length=100)
    dates: list[date] = Field(max_length=holidays.MAX_DATES)


class HolidayCalendarOut(BaseModel):
    id: str
    name: str
    dates: list[date]
    created_at: UtcDatetime
    updated_at: UtcDatetime


class HolidayCalendarPage(BaseModel):
    items: list[HolidayCalendarOut]


def calendar_out(row: OrgHolidayCalendar) -> HolidayCalendarOut:
    return HolidayCalendarOut(
        id=row.id,
        name=row.name,
        dates=[date.fromisoformat(d) for d in row.dates],
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


@router.get("/orgs/{org_id}/holidays", response_model=HolidayCalendarPage)
async def list_holidays(ctx: CtxDep, membership: MemberDep) -> HolidayCalendarPage:
    """The organisation's holiday calendars, by name."""
    rows = await holidays.list_calendars(ctx, org_id=membership.org_id)
    return HolidayCalendarPage(items=[calendar_out(r) for r in rows])


@router.post("/orgs/{org_id}/holidays", status_code=201, response_model=HolidayCalendarOut)
async def create_holidays(
    body: HolidayCalendarIn, ctx: CtxDep, membership: ManagerDep
) -> HolidayCalendarOut:
    """A named list of whole days (the organisation's zone) when its members are unavailable
    for this organisation's find-a-time and standing-slot searches."""
    row = await holidays.create_calendar(
        ctx, org_id=membership.org_id, name=body.name, dates=body.dates
    )
    return calendar_out(row)


@router.get("/orgs/{org_id}/holidays/{holiday_id}", response_model=HolidayCalendarOut)
async def get_holidays(
    holiday_id: HolidayId, ctx: CtxDep, membership: MemberDep
) -> HolidayCalendarOut:
    row = await holidays.get_calendar(ctx, org_id=membership.org_id, calendar_id=holiday_id)
    return calendar_out(row)


@router.put("/orgs/{org_id}/holidays/{holiday_id}", response_model=HolidayCalendarOut)
async def replace_holidays(
    holiday_id: HolidayId, body: HolidayCalendarIn, ctx: CtxDep, membership: ManagerDep
) -> HolidayCalendarOut:
    """Replace the calendar's name and dates."""
    row = await holidays.replace_calendar(
        ctx, org_id=membership.org_id, calendar_id=holiday_id, name=body.name, dates=body.dates
    )
    return calendar_out(row)


@router.delete("/orgs/{org_id}/holidays/{holiday_id}", status_code=204)
async def delete_holidays(holiday_id: HolidayId, ctx: CtxDep, membership: ManagerDep) -> Response:
    await holidays.delete_calendar(ctx, org_id=membership.org_id, calendar_id=holiday_id)
    return Response(status_code=204)


# --------------------------------------------------------------------------- resources

ResourceId = Annotated[str, Path(max_length=64)]
ExceptionId = Annotated[str, Path(max_length=64)]


class ResourceIn(Input):
    name: str = Field(min_length=1, max_length=100)
    timezone: str | None = Field(default=None, min_length=1, max_length=64)
    weekly: list[WeeklyRangeIO] = Field(default_factory=list, max_length=7 * 96)


class ResourceOut(BaseModel):
    id: str
    name: str
    timezone: str
    weekly: list[WeeklyRangeIO]
    created_at: UtcDatetime
    updated_at: UtcDatetime


class ResourcePage(BaseModel):
    items: list[ResourceOut]


def resource_out(row: OrgResource) -> ResourceOut:
    weekly: list[dict[str, Any]] = row.weekly
    return ResourceOut(
        id=row.id,
        name=row.name,
        timezone=row.timezone,
        weekly=[WeeklyRangeIO.model_validate(r) for r in weekly],
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def resource_exception_out(row: OrgResourceException) -> ExceptionOut:
    return ExceptionOut(
        id=row.id, starts_at=row.starts_at, ends_at=row.ends_at, level=row.level, note=row.note
    )


def _ranges(body: ResourceIn) -> list[RangeIn]:
    return [RangeIn(r.weekday, r.start, r.end, r.level) for r in body.weekly]


@router.get("/orgs/{org_id}/resources", response_model=ResourcePage)
async def list_resources(ctx: CtxDep, membership: MemberDep) -> ResourcePage:
    """The organisation's resources (rooms, venues, kit), by name."""
    rows = await resources.list_resources(ctx, org_id=membership.org_id)
    return ResourcePage(items=[resource_out(r) for r in rows])


@router.post("/orgs/{org_id}/resources", status_code=201, response_model=ResourceOut)
async def create_resource(body: ResourceIn, ctx: CtxDep, membership: ManagerDep) -> ResourceOut:
    """A resource with its weekly pattern (default zone: the organisation's)."""
    org = await load_org(ctx, membership)
    row = await resources.save_resource(
        ctx,
        org_id=membership.org_id,
        resource_id=None,
        name=body.name,
        timezone=body.timezone or org.timezone,
        weekly=_ranges(body),
    )
    return resource_out(row)


@router.get("/orgs/{org_id}/resources/{resource_id}", response_model=ResourceOut)
async def get_resource(resource_id: ResourceId, ctx: CtxDep, membership: MemberDep) -> ResourceOut:
    row = await resources.get_resource(ctx, org_id=membership.org_id, resource_id=resource_id)
    return resource_out(row)


@router.put("/orgs/{org_id}/resources/{resource_id}", response_model=ResourceOut)
async def replace_resource(
    resource_id: ResourceId, body: ResourceIn, ctx: CtxDep, membership: ManagerDep
) -> ResourceOut:
    """Replace the resource's name, zone and weekly pattern."""
    org = await load_org(ctx, membership)
    row = await resources.save_resource(
        ctx,
        org_id=membership.org_id,
        resource_id=resource_id,
        name=body.name,
        timezone=body.timezone or org.timezone,
        weekly=_ranges(body),
    )
    return resource_out(row)


@router.delete("/orgs/{org_id}/resources/{resource_id}", status_code=204)
async def delete_resource(resource_id: ResourceId, ctx: CtxDep, membership: ManagerDep) -> Response:
    await resources.delete_resource(ctx, org_id=membership.org_id, resource_id=resource_id)
    return Response(status_code=204)


@router.get("/orgs/{org_id}/resources/{resource_id}/exceptions", response_model=ExceptionPage)
async def list_resource_exceptions(
    resource_id: ResourceId, ctx: CtxDep, membership: MemberDep
) -> ExceptionPage:
    """The resource's exceptions in creation order (the order they apply in)."""
    rows = await resources.list_exceptions(ctx, org_id=membership.org_id, resource_id=resource_id)
    return ExceptionPage(items=[resource_exception_out(r) for r in rows])


@router.post(
    "/orgs/{org_id}/resources/{resource_id}/exceptions",
    status_code=201,
    response_model=ExceptionOut,
)
async def add_resource_exception(
    resource_id: ResourceId, body: ExceptionIn, ctx: CtxDep, membership: ManagerDep
) -> ExceptionOut:
    """Override the resource's pattern over a range; where they overlap the last one wins."""
    row = await resources.add_exception(
        ctx,
        org_id=membership.org_id,
        resource_id=resource_id,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        level=body.level,
        note=body.note,
    )
    return resource_exception_out(row)


@router.delete("/orgs/{org_id}/resources/{resource_id}/exceptions/{exception_id}", status_code=204)
async def delete_resource_exception(
    resource_id: ResourceId, exception_id: ExceptionId, ctx: CtxDep, membership: ManagerDep
) -> Response:
    await resources.delete_exception(
        ctx, org_id=membership.org_id, resource_id=resource_id, exception_id=exception_id
    )
    return Response(status_code=204)
