"""HTTP API of an event's ticket types and booking rules (included by `cadence.events.api`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path

from cadence.booking import rules as booking_rules
from cadence.booking import ticket_types
from cadence.booking.models import CapacityPool
from cadence.events import service
from cadence.events.deps import ManagedEvent
from cadence.events.schemas import (
    BookingRulesIn,
    BookingRulesOut,
    TicketTypeCreate,
    TicketTypeOut,
    TicketTypeUpdate,
)
from cadence.http.deps import CtxDep, CurrentUser
from cadence.http.schemas import PROBLEM_RESPONSES, Page

router = APIRouter(tags=["events"], responses=PROBLEM_RESPONSES)  # under /api/v1
TypeId = Annotated[str, Path(max_length=64)]


def present_type(pool: CapacityPool, *, now: datetime) -> TicketTypeOut:
    return TicketTypeOut(
        id=pool.id,
        event_id=str(pool.event_id),
        name=pool.name,
        price_cents=pool.price_cents,
        currency=pool.currency,
        quota=pool.capacity,
        sold=pool.taken,
        available=max(0, pool.capacity - pool.taken),
        max_per_order=pool.max_per_order,
        sales_start=pool.sales_start,
        sales_end=pool.sales_end,
        on_sale=ticket_types.on_sale(pool, now),
    )


@router.post("/events/{event_id}/ticket-types", status_code=201, response_model=TicketTypeOut)
async def create_ticket_type(
    event: ManagedEvent, body: TicketTypeCreate, ctx: CtxDep
) -> TicketTypeOut:
    pool = await ticket_types.create_type(
        ctx,
        event=event,
        name=body.name,
        price_cents=body.price_cents,
        currency=body.currency,
        quota=body.quota,
        max_per_order=body.max_per_order,
        sales_start=body.sales_start,
        sales_end=body.sales_end,
    )
    return present_type(pool, now=ctx.now())


@router.get("/events/{event_id}/ticket-types", response_model=Page[TicketTypeOut])
async def list_ticket_types(event_id: str, ctx: CtxDep, user: CurrentUser) -> Page[TicketTypeOut]:
    event = await service.readable(ctx, event_id=event_id, user=user)
    now = ctx.now()
    return Page(
        items=[present_type(p, now=now) for p in await ticket_types.types_of(ctx, event.id)]
    )


@router.patch("/events/{event_id}/ticket-types/{type_id}", response_model=TicketTypeOut)
async def update_ticket_type(
    event: ManagedEvent, type_id: TypeId, body: TicketTypeUpdate, ctx: CtxDep
) -> TicketTypeOut:
    pool = await ticket_types.type_of(ctx, event=event, type_id=type_id)
    changes = body.model_dump(exclude_unset=True)
    for required in ("name", "price_cents", "currency", "quota"):
        if required in changes and changes[required] is None:
            del changes[required]
    pool = await ticket_types.update_type(ctx, event=event, pool=pool, changes=changes)
    return present_type(pool, now=ctx.now())


def _rules_out(event_id: str, rules: booking_rules.Rules) -> BookingRulesOut:
    return BookingRulesOut(event_id=event_id, **rules.__dict__)


@router.get("/events/{event_id}/booking-rules", response_model=BookingRulesOut)
async def get_booking_rules(event_id: str, ctx: CtxDep, user: CurrentUser) -> BookingRulesOut:
    """Hold time, payment and cancellation policy: public, like the event."""
    event = await service.readable(ctx, event_id=event_id, user=user)
    return _rules_out(event.id, await booking_rules.rules_of(ctx, event.id))


@router.put("/events/{event_id}/booking-rules", response_model=BookingRulesOut)
async def set_booking_rules(
    event: ManagedEvent, body: BookingRulesIn, ctx: CtxDep
) -> BookingRulesOut:
    rules = await booking_rules.set_rules(ctx, event=event, changes=body.model_dump())
    return _rules_out(event.id, rules)
