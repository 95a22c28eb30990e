"""HTTP API of the availability engine: the caller's weekly pattern and exceptions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from cadence.availability import service
from cadence.availability.models import AvailabilityException, WeeklyAvailability
from cadence.availability.schemas import (
    AvailabilityIn,
    AvailabilityOut,
    ExceptionIn,
    ExceptionOut,
    ExceptionPage,
    WeeklyRangeIO,
)
from cadence.http.deps import CtxDep, CurrentUser
from cadence.http.schemas import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/v1/me", responses=PROBLEM_RESPONSES, tags=["availability"])


def pattern_out(row: WeeklyAvailability | None, default_zone: str) -> AvailabilityOut:
    if row is None:
        return AvailabilityOut(timezone=default_zone, weekly=[])
    weekly: list[dict[str, Any]] = row.weekly
    return AvailabilityOut(
        timezone=row.timezone,
        weekly=[WeeklyRangeIO.model_validate(r) for r in weekly],
        updated_at=row.updated_at,
    )


def exception_out(row: AvailabilityException) -> ExceptionOut:
    return ExceptionOut(
        id=row.id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        level=row.level,
        note=row.note,
    )


@router.put("/availability", response_model=AvailabilityOut)
async def put_availability(body: AvailabilityIn, ctx: CtxDep, user: CurrentUser) -> AvailabilityOut:
    """Replace the weekly pattern (read in `timezone`, by local weekday and wall clock)."""
    row = await service.set_pattern(
        ctx,
        user_id=user.id,
        timezone=body.timezone,
        weekly=[service.RangeIn(r.weekday, r.start, r.end, r.level) for r in body.weekly],
    )
    return pattern_out(row, user.timezone)


@router.get("/availability", response_model=AvailabilityOut)
async def get_availability(ctx: CtxDep, user: CurrentUser) -> AvailabilityOut:
    return pattern_out(await service.get_pattern(ctx, user_id=user.id), user.timezone)


@router.post("/exceptions", status_code=201, response_model=ExceptionOut)
async def add_exception(body: ExceptionIn, ctx: CtxDep, user: CurrentUser) -> ExceptionOut:
    """Override the weekly pattern over a range; where exceptions overlap the last one wins."""
    row = await service.add_exception(
        ctx,
        user_id=user.id,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        level=body.level,
        note=body.note,
    )
    return exception_out(row)


@router.get("/exceptions", response_model=ExceptionPage)
async def list_exceptions(ctx: CtxDep, user: CurrentUser) -> ExceptionPage:
    """Every exception, in creation order (the order they apply in)."""
    rows = await service.list_exceptions(ctx, user_id=user.id)
    return ExceptionPage(items=[exception_out(r) for r in rows])


@router.delete("/exceptions/{exception_id}", status_code=204)
async def delete_exception(
    exception_id: Annotated[str, Path(max_length=64)], ctx: CtxDep, user: CurrentUser
) -> Response:
    await service.delete_exception(ctx, user_id=user.id, exception_id=exception_id)
    return Response(status_code=204)
