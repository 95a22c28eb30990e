"""HTTP API of an organisation's holiday calendars: members read, managers write."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from cadence.availability import holidays
from cadence.availability.models import OrgHolidayCalendar
from cadence.findtime.schemas import UtcDatetime
from cadence.http.deps import CtxDep, ManagerDep, MemberDep
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
