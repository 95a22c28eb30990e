"""HTTP API of an event's analytics for its organisers (included by `cadence.events.api`)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Response

from cadence.events import analytics
from cadence.events.deps import ManagedEvent
from cadence.events.schemas import AnalyticsOut
from cadence.http.deps import CtxDep
from cadence.http.schemas import PROBLEM_RESPONSES

router = APIRouter(tags=["events"], responses=PROBLEM_RESPONSES)  # under /api/v1


@router.get("/events/{event_id}/analytics", response_model=AnalyticsOut)
async def event_analytics(event: ManagedEvent, ctx: CtxDep) -> AnalyticsOut:
    """Sales per day, hold-to-paid and waitlist conversion, sell-out time, check-in."""
    figures = await analytics.of_event(ctx, event=event)
    return AnalyticsOut.model_validate(
        {**asdict(figures), "waitlist": {"event_id": event.id, **figures.waitlist}}
    )


@router.get(
    "/events/{event_id}/analytics.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def event_analytics_csv(event: ManagedEvent, ctx: CtxDep) -> Response:
    """The sales per day as CSV (UTC dates)."""
    figures = await analytics.of_event(ctx, event=event)
    return Response(
        analytics.days_csv(figures),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="event-{event.id}-sales.csv"'},
    )
