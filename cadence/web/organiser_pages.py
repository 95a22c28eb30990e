"""Organiser pages: the events dashboard, creating and editing events, ticket types, the
bookings and waitlist of an event, and the door check-in page."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from cadence.accounts.models import Organisation, User
from cadence.booking import checkin as door
from cadence.booking import rules as booking_rules
from cadence.booking import service, ticket_types, waitlist
from cadence.booking.models import Booking
from cadence.booking.payments import service as payments
from cadence.calendar.models import Event
from cadence.context import Ctx
from cadence.errors import CadenceError, InvalidInput
from cadence.events import analytics
from cadence.events import service as events
from cadence.http.deps import CtxDep
from cadence.time.zones import SkippedLocalTime, typed_instant
from cadence.web.session import (
    LoginDep,
    ViewerAccess,
    WebExit,
    WebLogin,
    WebRoute,
    fragment,
    page,
    read_form,
    redirect,
)

router = APIRouter(route_class=WebRoute)
Id = Annotated[str, Path(max_length=64)]


def _local(value: str, zone: str, field: str) -> datetime:
    """A date and time typed in the organisation's zone, as an instant (the time core's rule
    for clock changes: a skipped time is refused, naming the first valid one)."""
    try:
        wall = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput("Give a date and time.", field=field) from exc
    try:
        return typed_instant(wall, zone)
    except SkippedLocalTime as exc:
        raise InvalidInput(str(exc), field=field) from exc


def _count(value: str | None, field: str) -> int:
    try:
        return int(value or "")
    except ValueError as exc:
        raise InvalidInput("Give a whole number.", field=field) from exc


@router.get("/orgs/{org_id}/events", response_class=HTMLResponse)
async def dashboard(request: Request, ctx: CtxDep, access: ViewerAccess) -> Response:
    found = await events.org_listing(
        ctx, org_id=access.org.id, filters=events.EventFilters(), cursor=None, limit=200
    )
    seats = await service.availability(ctx, [e.id for e in found.items])
    return await page(
        request,
        ctx,
        "events/dashboard.html",
        login=access.login,
        org=access.org,
        access=access,
        events=found.items,
        seats=seats,
        errors={},
        values={},
    )


@router.post("/orgs/{org_id}/events", response_class=HTMLResponse)
async def create(request: Request, ctx: CtxDep, access: ViewerAccess) -> Response:
    data = await read_form(request)
    try:
        if not access.role.at_least(access.role.manager):
            raise InvalidInput("Creating events needs the manager role.", field="form")
        event = await events.create(
            ctx,
            org=access.org,
            by=access.login.user,
            name=data.get("name", ""),
            starts_at=_local(data.get("starts_at", ""), access.org.timezone, "starts_at"),
            ends_at=_local(data.get("ends_at", ""), access.org.timezone, "ends_at"),
            capacity=_count(data.get("capacity"), "capacity"),
            description=data.get("description") or None,
            category=data.get("category") or None,
            venue=data.get("venue") or None,
            draft=True,
        )
        if not event.name:
            raise InvalidInput("Give the event a name.", field="name")
    except CadenceError as exc:
        raise WebExit(
            await page(
                request,
                ctx,
                "events/dashboard.html",
                login=access.login,
                status=422,
                org=access.org,
                access=access,
                events=[],
                seats={},
                errors={str(exc.extra.get("field", "form")): exc.detail},
                values=data,
            )
        ) from exc
    return redirect(request, f"/events/{event.id}/manage", flash="Draft created.")


async def _manage_context(ctx: Ctx, event: Event) -> dict[str, object]:
    capacity, left = (await service.availability(ctx, [event.id])).get(event.id, (0, 0))
    bookings = (
        await ctx.session.execute(
            select(Booking, User)
            .outerjoin(User, User.id == Booking.user_id)
            .where(Booking.event_id == event.id)
            .order_by(Booking.id.desc())
            .limit(200)
        )
    ).all()
    pay = {b.id: await payments.payment_of(ctx, b.id) for b, _ in bookings if b.total_cents}
    entries = await waitlist.queue(ctx, event_id=event.id)
    names = {
        u.id: u.name
        for u in (
            await ctx.session.scalars(select(User).where(User.id.in_([e.user_id for e in entries])))
        ).all()
    }
    org = await ctx.session.get(Organisation, event.org_id)
    zone = ZoneInfo(org.timezone if org else "UTC")
    return {
        "event": event,
        "org": org,
        "capacity": capacity,
        "left": left,
        "types": await ticket_types.types_of(ctx, event.id),
        "bookings": bookings,
        "payments": pay,
        "entries": entries,
        "names": names,
        "stats": await waitlist.stats(ctx, event_id=event.id),
        "rules": await booking_rules.rules_of(ctx, event.id),
        "local": lambda d: d.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        # ticket sales windows are read back in the event's own zone (see `_type_fields`)
        "event_local": lambda d: d.astimezone(ZoneInfo(event.timezone)).strftime("%Y-%m-%dT%H:%M"),
    }


async def _manage(
    request: Request, ctx: Ctx, login: WebLogin, event: Event, *, status: int = 200, **extra: object
) -> Response:
    context: dict[str, Any] = {**await _manage_context(ctx, event), **extra}
    context.setdefault("errors", {})
    return await page(request, ctx, "events/manage.html", login=login, status=status, **context)


@router.get("/events/{event_id}/manage", response_class=HTMLResponse)
async def manage(request: Request, event_id: Id, ctx: CtxDep, login: LoginDep) -> Response:
    event = await events.managed(ctx, event_id=event_id, user=login.user)
    return await _manage(request, ctx, login, event)


@router.post("/events/{event_id}/manage", response_class=HTMLResponse)
async def edit(request: Request, event_id: Id, ctx: CtxDep, login: LoginDep) -> Response:
    data = await read_form(request)
    event = await events.managed(ctx, event_id=event_id, user=login.user)
    org = await ctx.session.get(Organisation, event.org_id)
    zone = org.timezone if org else "UTC"
    try:
        changes: dict[str, object] = {
            "name": data.get("name") or event.name,
            "starts_at": _local(data.get("starts_at", ""), zone, "starts_at"),
            "ends_at": _local(data.get("ends_at", ""), zone, "ends_at"),
            "capacity": _count(data.get("capacity"), "capacity"),
            "description": data.get("description") or None,
            "category": data.get("category") or None,
            "venue": data.get("venue") or None,
        }
        await events.update_event(
            ctx, event=event, version=_count(data.get("version"), "version"), changes=changes
        )
    except CadenceError as exc:
        # A stale version is refused before anything changes, so `event` is the current
        # one; any other refusal shows what was typed. WebExit rolls everything back.
        message = exc.detail
        if exc.slug == "stale-edit":
            message = (
                "Someone else changed this event while you were editing it. The form now "
                "shows their version; make your change again and save."
            )
        raise WebExit(
            await _manage(request, ctx, login, event, status=exc.status, errors={"form": message})
        ) from exc
    return redirect(request, f"/events/{event.id}/manage", flash="Saved.")


@router.post("/events/{event_id}/publish", response_class=HTMLResponse)
async def publish(request: Request, event_id: Id, ctx: CtxDep, login: LoginDep) -> Response:
    await read_form(request)
    event = await events.managed(ctx, event_id=event_id, user=login.user)
    await events.update_event(ctx, event=event, version=None, changes={"published": True})
    return redirect(request, f"/events/{event.id}/manage", flash="Published: it is on sale.")


@router.post("/events/{event_id}/cancel", response_class=HTMLResponse)
async def cancel_event(request: Request, event_id: Id, ctx: CtxDep, login: LoginDep) -> Response:
    await read_form(request)
    event = await events.managed(ctx, event_id=event_id, user=login.user)
    await events.cancel_event(ctx, event=event)
    return redirect(
        request, f"/events/{event.id}/manage", flash="Cancelled; everyone booked has been told."
    )


def _type_fields(data: dict[str, str], zone: str) -> dict[str, Any]:
    """A ticket type form's fields as the engine takes them (times in the event's zone)."""
    try:
        price = round(float(data.get("price", "0") or 0) * 100)
    except ValueError as exc:
        raise InvalidInput("Give the price as a number.", field="price") from exc
    return {
        "name": data.get("name") or "Standard",
        "price_cents": price,
        "quota": _count(data.get("quota"), "quota"),
        "max_per_order": _count(data.get("max_per_order"), "max_per_order")
        if data.get("max_per_order")
        else None,
        "sales_start": _local(data["sales_start"], zone, "sales_start")
        if data.get("sales_start")
        else None,
        "sales_end": _local(data["sales_end"], zone, "sales_end")
        if data.get("sales_end")
        else None,
    }


@router.post("/events/{event_id}/ticket-types", response_class=HTMLResponse)
async def add_type(request: Request, event_id: Id, ctx: CtxDep, login: LoginDep) -> Response:
    data = await read_form(request)
    event = await events.managed(ctx, event_id=event_id, user=login.user)
    try:
        await ticket_types.create_type(ctx, event=event, **_type_fields(data, event.timezone))
    except CadenceError as exc:
        raise WebExit(
            redirect(request, f"/events/{event.id}/manage", flash=exc.detail, kind="error")
        ) from exc
    return redirect(request, f"/events/{event.id}/manage", flash="Ticket type added.")


@router.post("/events/{event_id}/ticket-types/{type_id}", response_class=HTMLResponse)
async def edit_type(
    request: Request, event_id: Id, type_id: Id, ctx: CtxDep, login: LoginDep
) -> Response:
    """Change a ticket type; its quota never drops below the tickets already sold."""
    data = await read_form(request)
    event = await events.managed(ctx, event_id=event_id, user=login.user)
    try:
        pool = await ticket_types.type_of(ctx, event=event, type_id=type_id)
        await ticket_types.update_type(
            ctx, event=event, pool=pool, changes=_type_fields(data, event.timezone)
        )
    except CadenceError as exc:
        raise WebExit(
            redirect(request, f"/events/{event.id}/manage", flash=exc.detail, kind="error")
        ) from exc
    return redirect(request, f"/events/{event.id}/manage", flash=f"{pool.name} saved.")


@router.post("/events/{event_id}/booking-rules", response_class=HTMLResponse)
async def set_rules(request: Request, event_id: Id, ctx: CtxDep, login: LoginDep) -> Response:
    """Hold time, payment, and until when customers may cancel."""
    data = await read_form(request)
    event = await events.managed(ctx, event_id=event_id, user=login.user)
    try:
        await booking_rules.set_rules(
            ctx,
            event=event,
            changes={
                "hold_minutes": _count(data.get("hold_minutes"), "hold_minutes"),
                "cancel_cutoff_hours": _count(
                    data.get("cancel_cutoff_hours"), "cancel_cutoff_hours"
                ),
                "payment_provider": data.get("payment_provider") or "manual",
                "pay_at_door": data.get("pay_at_door") == "1",
                "customer_can_cancel": data.get("customer_can_cancel") == "1",
            },
        )
    except CadenceError as exc:
        raise WebExit(
            redirect(request, f"/events/{event.id}/manage", flash=exc.detail, kind="error")
        ) from exc
    return redirect(request, f"/events/{event.id}/manage", flash="Booking rules saved.")


@router.post("/bookings/{booking_id}/mark-paid", response_class=HTMLResponse)
async def mark_paid(request: Request, booking_id: Id, ctx: CtxDep, login: LoginDep) -> Response:
    await read_form(request)
    booking = await service.booking_for(ctx, booking_id=booking_id, user=login.user, lock=True)
    await events.managed(ctx, event_id=booking.event_id, user=login.user)
    await payments.mark_paid(ctx, booking=booking, provider="manual")
    return redirect(request, f"/events/{booking.event_id}/manage", flash="Marked paid.")


@router.get("/orgs/{org_id}/door", response_class=HTMLResponse)
async def door_page(request: Request, ctx: CtxDep, access: ViewerAccess) -> Response:
    return await page(
        request, ctx, "events/door.html", login=access.login, org=access.org, access=access
    )


@router.post("/orgs/{org_id}/door", response_class=HTMLResponse)
async def door_check(request: Request, ctx: CtxDep, access: ViewerAccess) -> Response:
    data = await read_form(request)
    try:
        if not access.role.at_least(access.role.member):
            raise InvalidInput("Checking tickets in needs the member role.")
        ticket = await door.check_in(
            ctx, org=access.org, code=data.get("code", ""), by=access.login.user
        )
    except CadenceError as exc:
        raise WebExit(
            fragment(
                request,
                "events/_door_result.html",
                status=200,
                ok=False,
                already=exc.slug == "already-checked-in",
                message=exc.detail,
            )
        ) from exc
    event = await ctx.session.get(Event, ticket.event_id)
    return fragment(
        request,
        "events/_door_result.html",
        ok=True,
        already=False,
        message=f"Ticket {ticket.number} checked in" + (f" for {event.name}." if event else "."),
    )


CHART_W, CHART_H = 600, 160


def _bars(days: list[analytics.Day], value: str) -> dict[str, object]:
    """A bar chart of one figure per day, drawn as SVG on the server (no script)."""
    values = [int(getattr(d, value)) for d in days]
    top = max(values, default=0) or 1
    width = CHART_W / max(len(values), 1)
    bars = [
        {
            "x": round(i * width + 2, 1),
            "w": round(max(width - 4, 1), 1),
            "h": round(v / top * (CHART_H - 20), 1),
            "y": round(CHART_H - v / top * (CHART_H - 20), 1),
            "label": f"{d.day.isoformat()}: {v}",
        }
        for i, (d, v) in enumerate(zip(days, values, strict=True))
    ]
    return {"bars": bars, "top": top, "width": CHART_W, "height": CHART_H}


@router.get("/events/{event_id}/analytics", response_class=HTMLResponse)
async def analytics_page(request: Request, event_id: Id, ctx: CtxDep, login: LoginDep) -> Response:
    """Sales per day as charts, conversions, sell-out and check-in, with the CSV export."""
    event = await events.managed(ctx, event_id=event_id, user=login.user)
    figures = await analytics.of_event(ctx, event=event)
    return await page(
        request,
        ctx,
        "events/analytics.html",
        login=login,
        event=event,
        figures=figures,
        seats_chart=_bars(figures.days, "seats"),
        revenue_chart=_bars(figures.days, "revenue_cents"),
    )
