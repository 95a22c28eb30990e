"""HTTP API of events: create, read, list, edit, publish and cancel ticketed events."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from cadence.booking import service as booking
from cadence.calendar.models import Event
from cadence.context import Ctx
from cadence.events import service
from cadence.events.analytics_api import router as analytics_router
from cadence.events.schemas import EventCreate, EventOut, EventUpdate
from cadence.events.types_api import router as types_router
from cadence.http.deps import CtxDep, CurrentUser, ManagerDep, ViewerDep, load_org
from cadence.http.schemas import PROBLEM_RESPONSES, Limit, Page

router = APIRouter(prefix="/api/v1", tags=["events"], responses=PROBLEM_RESPONSES)
Cursor = Annotated[str | None, Query(max_length=64)]


async def present(ctx: Ctx, events: list[Event]) -> list[EventOut]:
    seats = await booking.availability(ctx, [e.id for e in events])
    out = []
    for e in events:
        capacity, available = seats.get(e.id, (0, 0))
        out.append(
            EventOut(
                id=e.id,
                org_id=e.org_id,
                name=e.name,
                starts_at=e.starts_at,
                ends_at=e.ends_at,
                timezone=e.timezone,
                capacity=capacity,
                available=available,
                description=e.description,
                category=e.category,
                venue=e.venue,
                status=e.status,
                published=e.published,
                version=e.version,
            )
        )
    return out


def _filters(
    q: str | None,
    category: str | None,
    venue: str | None,
    starts_from: datetime | None,
    starts_until: datetime | None,
    free: bool | None,
    available: bool,
) -> service.EventFilters:
    return service.EventFilters(
        query=q,
        category=category,
        venue=venue,
        starts_from=starts_from,
        starts_until=starts_until,
        free=free,
        available_only=available,
    )


@router.post("/orgs/{org_id}/events", status_code=201, response_model=EventOut)
async def create_event(
    body: EventCreate, ctx: CtxDep, membership: ManagerDep, user: CurrentUser
) -> EventOut:
    event = await service.create(
        ctx,
        org=await load_org(ctx, membership),
        by=user,
        name=body.name,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        capacity=body.capacity,
        description=body.description,
        category=body.category,
        venue=body.venue,
        draft=body.draft,
        timezone=body.timezone,
    )
    return (await present(ctx, [event]))[0]


@router.get("/orgs/{org_id}/events", response_model=Page[EventOut])
async def org_events(
    ctx: CtxDep,
    membership: ViewerDep,
    cursor: Cursor = None,
    limit: Limit = 50,
    q: Annotated[str | None, Query(max_length=200)] = None,
    category: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[EventOut]:
    page = await service.org_listing(
        ctx,
        org_id=membership.org_id,
        filters=_filters(q, category, None, None, None, None, False),
        cursor=cursor,
        limit=limit,
    )
    return Page(items=await present(ctx, page.items), next_cursor=page.next_cursor)


@router.get("/events", response_model=Page[EventOut])
async def list_events(
    ctx: CtxDep,
    user: CurrentUser,
    cursor: Cursor = None,
    limit: Limit = 50,
    q: Annotated[str | None, Query(max_length=200)] = None,
    category: Annotated[str | None, Query(max_length=100)] = None,
    venue: Annotated[str | None, Query(max_length=200)] = None,
    starts_from: datetime | None = None,
    starts_until: datetime | None = None,
    free: bool | None = None,
    available: bool = False,
) -> Page[EventOut]:
    """Published events anyone signed in can book, with search and filters."""
    page = await service.public_listing(
        ctx,
        filters=_filters(q, category, venue, starts_from, starts_until, free, available),
        cursor=cursor,
        limit=limit,
    )
    return Page(items=await present(ctx, page.items), next_cursor=page.next_cursor)


@router.get("/events/{event_id}", response_model=EventOut)
async def get_event(event_id: str, ctx: CtxDep, user: CurrentUser) -> EventOut:
    event = await service.readable(ctx, event_id=event_id, user=user)
    return (await present(ctx, [event]))[0]


@router.patch("/events/{event_id}", response_model=EventOut)
async def update_event(
    event_id: str, body: EventUpdate, ctx: CtxDep, user: CurrentUser
) -> EventOut:
    event = await service.managed(ctx, event_id=event_id, user=user)
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    event = await service.update_event(ctx, event=event, version=body.version, changes=changes)
    return (await present(ctx, [event]))[0]


@router.post("/events/{event_id}/publish", response_model=EventOut)
async def publish_event(event_id: str, ctx: CtxDep, user: CurrentUser) -> EventOut:
    event = await service.managed(ctx, event_id=event_id, user=user)
    event = await service.update_event(ctx, event=event, version=None, changes={"published": True})
    return (await present(ctx, [event]))[0]


@router.post("/events/{event_id}/cancel", response_model=EventOut)
async def cancel_event(event_id: str, ctx: CtxDep, user: CurrentUser) -> EventOut:
    event = await service.managed(ctx, event_id=event_id, user=user)
    event = await service.cancel_event(ctx, event=event)
    return (await present(ctx, [event]))[0]


router.include_router(types_router)
router.include_router(analytics_router)
