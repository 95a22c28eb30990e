"""Public event pages and the customer's pages: listing, event, booking, tickets, waitlist."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from cadence.accounts.models import User
from cadence.booking import rules, service, ticket_types, waitlist
from cadence.booking.documents import qr_svg
from cadence.booking.models import Booking, Ticket
from cadence.booking.payments import service as payments
from cadence.calendar.models import Event
from cadence.context import Ctx
from cadence.errors import CadenceError, NotFound
from cadence.events import service as events
from cadence.http.deps import CtxDep
from cadence.web.session import (
    LoginDep,
    MaybeLoginDep,
    WebExit,
    WebRoute,
    page,
    read_form,
    redirect,
)

router = APIRouter(route_class=WebRoute)
Id = Annotated[str, Path(max_length=64)]
Text = Annotated[str, Query(max_length=200)]


def _date(value: str, *, end: bool = False) -> datetime | None:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)


async def public_event(ctx: Ctx, event_id: str, user: User | None) -> Event:
    """A published event for anyone (signed in or not); drafts only for their managers."""
    event = await ctx.session.get(Event, event_id)
    if event is not None and event.kind == "ticketed" and event.published:
        return event
    if user is None:
        raise NotFound("No such event.")
    return await events.readable(ctx, event_id=event_id, user=user)


@router.get("/events", response_class=HTMLResponse)
async def listing(
    request: Request,
    ctx: CtxDep,
    login: MaybeLoginDep,
    q: Text = "",
    category: Text = "",
    venue: Text = "",
    starts_from: Text = "",
    starts_until: Text = "",
    price: Text = "",
    available: Text = "",
    cursor: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    filters = events.EventFilters(
        query=q or None,
        category=category or None,
        venue=venue or None,
        starts_from=_date(starts_from),
        starts_until=_date(starts_until, end=True),
        free={"free": True, "paid": False}.get(price),
        available_only=available == "1",
    )
    found = await events.public_listing(ctx, filters=filters, cursor=cursor, limit=30)
    seats = await service.availability(ctx, [e.id for e in found.items])
    values = {
        "q": q,
        "category": category,
        "venue": venue,
        "starts_from": starts_from,
        "starts_until": starts_until,
        "price": price,
        "available": available,
    }
    template = "events/_results.html" if request.headers.get("hx-request") else "events/list.html"
    return await page(
        request,
        ctx,
        template,
        login=login,
        public=True,
        vary="HX-Request",
        events=found.items,
        seats=seats,
        next_cursor=found.next_cursor,
        values=values,
    )


@router.get("/events/{event_id}", response_class=HTMLResponse)
async def event_page(request: Request, event_id: Id, ctx: CtxDep, login: MaybeLoginDep) -> Response:
    event = await public_event(ctx, event_id, login.user if login else None)
    capacity, left = (await service.availability(ctx, [event.id])).get(event.id, (0, 0))
    types = await ticket_types.types_of(ctx, event.id)
    return await page(
        request,
        ctx,
        "events/event.html",
        login=login,
        public=True,
        event=event,
        capacity=capacity,
        left=left,
        types=types,
        now=ctx.now(),
        on_sale=ticket_types.on_sale,
        rules=await rules.rules_of(ctx, event.id),
        error=request.query_params.get("error"),
    )


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


@router.post("/events/{event_id}/book", response_class=HTMLResponse)
async def book(request: Request, event_id: Id, ctx: CtxDep, login: LoginDep) -> Response:
    data = await read_form(request)
    event = await events.readable(ctx, event_id=event_id, user=login.user)
    items = [(k[5:], _int(v)) for k, v in data.items() if k.startswith("type_") and _int(v) > 0]
    try:  # the booking sweeps lapsed holds itself when there are any
        booking, _ = await service.book(
            ctx,
            event=event,
            user=login.user,
            quantity=None if items else max(_int(data.get("quantity")), 0),
            items=items or None,
        )
    except CadenceError as exc:
        raise WebExit(
            redirect(request, f"/events/{event.id}", flash=exc.detail, kind="error")
        ) from exc
    message = (
        "Your booking is confirmed."
        if booking.status == "confirmed"
        else "Your seats are held: pay to confirm them."
    )
    return redirect(request, f"/bookings/{booking.id}", flash=message)


@router.post("/events/{event_id}/waitlist", response_class=HTMLResponse)
async def join_waitlist(request: Request, event_id: Id, ctx: CtxDep, login: LoginDep) -> Response:
    data = await read_form(request)
    event = await events.readable(ctx, event_id=event_id, user=login.user)
    try:
        entry, _ = await waitlist.join(
            ctx, event=event, user=login.user, quantity=max(_int(data.get("quantity")), 1)
        )
    except CadenceError as exc:
        raise WebExit(
            redirect(request, f"/events/{event.id}", flash=exc.detail, kind="error")
        ) from exc
    return redirect(request, f"/waitlist/{entry.id}", flash="You are on the waitlist.")


@router.get("/me/bookings", response_class=HTMLResponse)
async def my_bookings(request: Request, ctx: CtxDep, login: LoginDep) -> Response:
    rows = (
        await ctx.session.execute(
            select(Booking, Event)
            .join(Event, Event.id == Booking.event_id)
            .where(Booking.user_id == login.user.id)
            .order_by(Event.starts_at.desc())
            .limit(200)
        )
    ).all()
    now = ctx.now()
    upcoming = [(b, e) for b, e in rows if e.ends_at >= now and b.status == "confirmed"]
    upcoming.reverse()
    tickets = {b.id: await service.tickets_of(ctx, b.id) for b, _ in upcoming}
    return await page(
        request,
        ctx,
        "events/my_bookings.html",
        login=login,
        upcoming=upcoming,
        history=rows,
        tickets=tickets,
        qr=qr_svg,
    )


@router.get("/bookings/{booking_id}", response_class=HTMLResponse)
async def booking_page(request: Request, booking_id: Id, ctx: CtxDep, login: LoginDep) -> Response:
    booking = await service.booking_for(ctx, booking_id=booking_id, user=login.user)
    event = await events.load(ctx, booking.event_id)
    issued: list[Ticket] = await service.tickets_of(ctx, booking.id)
    return await page(
        request,
        ctx,
        "events/booking.html",
        login=login,
        booking=booking,
        event=event,
        tickets=issued,
        payment=await payments.payment_of(ctx, booking.id),
        qr=qr_svg,
        is_holder=booking.user_id == login.user.id,
    )


@router.post("/bookings/{booking_id}/cancel", response_class=HTMLResponse)
async def cancel(request: Request, booking_id: Id, ctx: CtxDep, login: LoginDep) -> Response:
    await read_form(request)
    booking = await service.booking_for(ctx, booking_id=booking_id, user=login.user, lock=True)
    by = "customer" if booking.user_id == login.user.id else "organiser"
    try:
        if by == "customer" and not await service.is_manager(
            ctx, org_id=booking.org_id, user_id=login.user.id
        ):
            await rules.check_customer_cancel(
                ctx, booking=booking, event=await events.load(ctx, booking.event_id)
            )
    except CadenceError as exc:
        raise WebExit(
            redirect(request, f"/bookings/{booking.id}", flash=exc.detail, kind="error")
        ) from exc
    await service.cancel(ctx, booking=booking, by=by)
    return redirect(request, f"/bookings/{booking.id}", flash="The booking is cancelled.")


@router.post("/bookings/{booking_id}/pay", response_class=HTMLResponse)
async def pay(request: Request, booking_id: Id, ctx: CtxDep, login: LoginDep) -> Response:
    """To the provider's checkout page when one was prepared (through the API's checkout,
    which calls Stripe with no transaction open)."""
    await read_form(request)
    booking = await service.booking_for(ctx, booking_id=booking_id, user=login.user)
    payment = await payments.payment_of(ctx, booking.id)
    if payment is not None and payment.checkout_url:
        return RedirectResponse(payment.checkout_url, status_code=303)
    return redirect(
        request,
        f"/bookings/{booking.id}",
        flash="Online payment is being prepared; use the API checkout or pay the organiser.",
        kind="error",
    )


@router.get("/waitlist/{entry_id}", response_class=HTMLResponse)
async def waitlist_page(request: Request, entry_id: Id, ctx: CtxDep, login: LoginDep) -> Response:
    entry = await waitlist.entry_for(ctx, entry_id=entry_id, user=login.user)
    return await page(
        request,
        ctx,
        "events/waitlist.html",
        login=login,
        entry=entry,
        event=await events.load(ctx, entry.event_id),
        position=await waitlist.position(ctx, entry),
    )


@router.post("/waitlist/{entry_id}/accept", response_class=HTMLResponse)
async def accept(request: Request, entry_id: Id, ctx: CtxDep, login: LoginDep) -> Response:
    await read_form(request)
    entry = await waitlist.entry_for(ctx, entry_id=entry_id, user=login.user, lock=True)
    try:
        booking, _ = await waitlist.accept(ctx, entry=entry)
    except CadenceError as exc:
        raise WebExit(
            redirect(request, f"/waitlist/{entry.id}", flash=exc.detail, kind="error")
        ) from exc
    return redirect(request, f"/bookings/{booking.id}", flash="The seats are yours.")


@router.post("/waitlist/{entry_id}/leave", response_class=HTMLResponse)
async def leave(request: Request, entry_id: Id, ctx: CtxDep, login: LoginDep) -> Response:
    await read_form(request)
    entry = await waitlist.entry_for(ctx, entry_id=entry_id, user=login.user, lock=True)
    await waitlist.leave(ctx, entry=entry)
    return redirect(request, f"/events/{entry.event_id}", flash="You left the waitlist.")
