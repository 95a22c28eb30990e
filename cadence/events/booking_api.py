"""HTTP API of bookings of ticketed events: bookings, the waitlist, tickets, check-in.

Part of the events app: it composes the booking engine with the events' own rules.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy import select

from cadence.booking import checkin as door
from cadence.booking import service, waitlist
from cadence.booking.documents import qr_png
from cadence.booking.keys import signing_key
from cadence.booking.models import Booking, Payment, Ticket, WaitlistEntry
from cadence.booking.payments import service as payments
from cadence.booking.rules import check_customer_cancel
from cadence.booking.tickets import public_key_pem
from cadence.context import Ctx
from cadence.events import service as events
from cadence.events.deps import ReadableEvent, ShopperDep, WriteGateDep
from cadence.events.payments_api import router as payments_router
from cadence.events.schemas import (
    BookingIn,
    BookingOut,
    CancelledOut,
    CheckinIn,
    CheckinOut,
    QuantityIn,
    TicketKeyOut,
    TicketOut,
    WaitlistOut,
    WaitlistStatsOut,
)
from cadence.http.deps import CtxDep, CurrentUser, MemberDep, ViewerDep, load_org
from cadence.http.schemas import PROBLEM_RESPONSES, Limit, Page
from cadence.pagination import paginate

router = APIRouter(prefix="/api/v1", tags=["bookings"], responses=PROBLEM_RESPONSES)


async def present(
    ctx: Ctx, b: Booking, issued: list[Ticket] | None = None, payment: Payment | None = None
) -> BookingOut:
    """The booking as the API shows it; tickets and payment are read unless given."""
    tickets = issued if issued is not None else await service.tickets_of(ctx, b.id)
    if payment is None and b.total_cents:
        payment = await payments.payment_of(ctx, b.id)
    return BookingOut(
        id=b.id,
        event_id=b.event_id,
        status=b.status,
        quantity=b.quantity,
        tickets=[
            TicketOut(
                id=t.id, number=t.number, code=t.code, status=t.status, ticket_type_id=t.pool_id
            )
            for t in tickets
        ],
        hold_expires_at=b.hold_expires_at,
        created_at=b.created_at,
        total_cents=b.total_cents,
        currency=b.currency,
        payment_provider=b.payment_provider,
        payment_status=payment.status if payment else None,
        checkout_url=payment.checkout_url if payment else None,
    )


async def present_entry(ctx: Ctx, entry: WaitlistEntry) -> WaitlistOut:
    return WaitlistOut(
        id=entry.id,
        event_id=entry.event_id,
        quantity=entry.quantity,
        position=await waitlist.position(ctx, entry),
        status=entry.status,
        offer_booking_id=entry.offer_booking_id,
        offer_expires_at=entry.offer_expires_at,
    )


@router.post("/events/{event_id}/bookings", status_code=201, response_model=BookingOut)
async def book(gate: WriteGateDep, who: ShopperDep, body: BookingIn, ctx: CtxDep) -> BookingOut:
    """Free bookings are confirmed at once; paid ones are held until paid (see `checkout`).

    A request that is surely sold out is refused from a read-only transaction, before it
    queues for the write; once its turn has come, the seats are taken atomically or not
    at all.
    """
    if body.quantity is not None and not body.items:
        service.refuse_if_sold_out(who.stock, body.quantity)
    await gate.enter()
    sold = await service.sell(
        ctx,
        event_id=who.stock.event_id,
        user_id=who.user_id,
        quantity=body.quantity,
        items=[(i.ticket_type_id, i.quantity) for i in body.items] if body.items else None,
    )
    return await present(ctx, sold.booking, sold.tickets, sold.payment)


@router.get("/events/{event_id}/bookings", response_model=Page[BookingOut])
async def event_bookings(
    event_id: str,
    ctx: CtxDep,
    user: CurrentUser,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    limit: Limit = 50,
) -> Page[BookingOut]:
    event = await events.managed(ctx, event_id=event_id, user=user)
    page = await paginate(
        ctx.session,
        select(Booking).where(Booking.event_id == event.id),
        Booking.id,
        cursor=cursor,
        limit=limit,
    )
    return Page(items=[await present(ctx, b) for b in page.items], next_cursor=page.next_cursor)


@router.get("/me/bookings", response_model=Page[BookingOut])
async def my_bookings(
    ctx: CtxDep,
    user: CurrentUser,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    limit: Limit = 50,
) -> Page[BookingOut]:
    page = await paginate(
        ctx.session,
        select(Booking).where(Booking.user_id == user.id),
        Booking.id,
        cursor=cursor,
        limit=limit,
        desc=True,
    )
    return Page(items=[await present(ctx, b) for b in page.items], next_cursor=page.next_cursor)


@router.get("/bookings/{booking_id}", response_model=BookingOut)
async def get_booking(booking_id: str, ctx: CtxDep, user: CurrentUser) -> BookingOut:
    return await present(ctx, await service.booking_for(ctx, booking_id=booking_id, user=user))


@router.post("/bookings/{booking_id}/cancel", response_model=CancelledOut)
async def cancel_booking(booking_id: str, ctx: CtxDep, user: CurrentUser) -> CancelledOut:
    booking = await service.booking_for(ctx, booking_id=booking_id, user=user, lock=True)
    by = "customer" if booking.user_id == user.id else "organiser"
    if by == "customer" and not await service.is_manager(
        ctx, org_id=booking.org_id, user_id=user.id
    ):
        event = await events.load(ctx, booking.event_id)
        await check_customer_cancel(ctx, booking=booking, event=event)
    booking = await service.cancel(ctx, booking=booking, by=by)
    return CancelledOut(id=booking.id, status=booking.status)


@router.get("/bookings/{booking_id}/tickets/{ticket_id}/qr.png", response_class=Response)
async def ticket_qr(booking_id: str, ticket_id: str, ctx: CtxDep, user: CurrentUser) -> Response:
    booking = await service.booking_for(ctx, booking_id=booking_id, user=user)
    ticket = await ctx.session.get(Ticket, ticket_id)
    if ticket is None or ticket.booking_id != booking.id:
        from cadence.errors import NotFound

        raise NotFound("No such ticket.")
    return Response(
        qr_png(ticket.code),
        media_type="image/png",
        headers={"Cache-Control": "private, max-age=3600"},
    )


@router.post("/events/{event_id}/waitlist", status_code=201, response_model=WaitlistOut)
async def join_waitlist(
    event: ReadableEvent, body: QuantityIn, ctx: CtxDep, user: CurrentUser
) -> WaitlistOut:
    await waitlist.expire_offers(ctx, event_id=event.id)
    entry, _ = await waitlist.join(ctx, event=event, user=user, quantity=body.quantity)
    return await present_entry(ctx, entry)


@router.get("/events/{event_id}/waitlist", response_model=Page[WaitlistOut])
async def event_waitlist(event_id: str, ctx: CtxDep, user: CurrentUser) -> Page[WaitlistOut]:
    """The queue, for the organiser: who waits, who has an offer, who converted."""
    event = await events.managed(ctx, event_id=event_id, user=user)
    return Page(
        items=[await present_entry(ctx, e) for e in await waitlist.queue(ctx, event_id=event.id)]
    )


@router.get("/events/{event_id}/waitlist/stats", response_model=WaitlistStatsOut)
async def waitlist_stats(event_id: str, ctx: CtxDep, user: CurrentUser) -> WaitlistStatsOut:
    """How the queue converts: offers made, accepted, let lapse."""
    event = await events.managed(ctx, event_id=event_id, user=user)
    return WaitlistStatsOut(event_id=event.id, **(await waitlist.stats(ctx, event_id=event.id)))


@router.get("/waitlist/{entry_id}", response_model=WaitlistOut)
async def my_waitlist_entry(entry_id: str, ctx: CtxDep, user: CurrentUser) -> WaitlistOut:
    return await present_entry(ctx, await waitlist.entry_for(ctx, entry_id=entry_id, user=user))


@router.post("/waitlist/{entry_id}/accept", response_model=BookingOut)
async def accept_offer(entry_id: str, ctx: CtxDep, user: CurrentUser) -> BookingOut:
    entry = await waitlist.entry_for(ctx, entry_id=entry_id, user=user, lock=True)
    booking, issued = await waitlist.accept(ctx, entry=entry)
    return await present(ctx, booking, issued)


@router.post("/waitlist/{entry_id}/leave", response_model=WaitlistOut)
async def leave_waitlist(entry_id: str, ctx: CtxDep, user: CurrentUser) -> WaitlistOut:
    entry = await waitlist.entry_for(ctx, entry_id=entry_id, user=user, lock=True)
    await waitlist.leave(ctx, entry=entry)
    return await present_entry(ctx, entry)


@router.post("/orgs/{org_id}/checkin", response_model=CheckinOut)
async def check_in(
    body: CheckinIn, ctx: CtxDep, membership: MemberDep, user: CurrentUser
) -> CheckinOut:
    ticket = await door.check_in(ctx, org=await load_org(ctx, membership), code=body.code, by=user)
    return CheckinOut(
        ticket_id=ticket.id,
        status="checked_in",
        number=ticket.number,
        event_id=ticket.event_id,
        checked_in_at=ticket.checked_in_at,
    )


@router.get("/orgs/{org_id}/ticket-key", response_model=TicketKeyOut)
async def ticket_key(ctx: CtxDep, membership: ViewerDep) -> TicketKeyOut:
    """The public key door scanners use to verify ticket codes offline."""
    key = await signing_key(ctx, membership.org_id)
    return TicketKeyOut(
        org_id=membership.org_id,
        algorithm="Ed25519",
        public_key_pem=public_key_pem(key.public_key),
        format="CDT1.<base64url JSON payload>.<base64url Ed25519 signature>",
    )


router.include_router(payments_router)
