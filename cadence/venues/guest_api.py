"""Guests' side of the venues API: published venues, free times, reserving, my reservations.

Any signed-in user may read and reserve at a published venue; an unpublished venue and
another guest's reservation answer 404 (lookups are dependencies, so before the body).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from cadence.accounts import sessions
from cadence.accounts.models import User
from cadence.booking.payments import service as payments
from cadence.booking.payments.stripe_adapter import StripeProvider
from cadence.context import Ctx
from cadence.errors import NotFound, Unauthorized
from cadence.http.deps import CtxDep, CurrentUser, app_state
from cadence.http.requestctx import request_id_var
from cadence.http.schemas import PROBLEM_RESPONSES, Limit, Page
from cadence.venues import holds, reservations
from cadence.venues import service as venues
from cadence.venues.models import Reservation, Venue
from cadence.venues.present import one_guest, present, public, times_out
from cadence.venues.schemas import (
    DepositCheckoutOut,
    PublicVenueOut,
    ReservationChange,
    ReservationOut,
    ReservationRequest,
    ServiceDay,
    TimesOut,
    WebhookOut,
)

router = APIRouter(prefix="/api/v1", tags=["venues"], responses=PROBLEM_RESPONSES)
Cursor = Annotated[str | None, Query(max_length=64)]
Id = Annotated[str, Path(max_length=64)]
_bearer = HTTPBearer(auto_error=False, description="An access token from /api/v1/auth/login")
PAID_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")


async def _visible_venue(ctx: CtxDep, user: CurrentUser, venue_id: Id) -> Venue:
    return await venues.visible_venue(ctx, venue_id=venue_id, user=user)


async def _own_reservation(ctx: CtxDep, user: CurrentUser, reservation_id: Id) -> Reservation:
    return await reservations.for_guest(ctx, reservation_id=reservation_id, user=user)


VisibleVenue = Annotated[Venue, Depends(_visible_venue)]
GuestReservation = Annotated[Reservation, Depends(_own_reservation)]


# --- guests --------------------------------------------------------------------------------


@router.get("/venues", response_model=Page[PublicVenueOut])
async def list_venues(ctx: CtxDep, user: CurrentUser) -> Page[PublicVenueOut]:
    return Page(items=[await public(ctx, v) for v in await venues.published_venues(ctx)])


@router.get("/venues/{venue_id}", response_model=PublicVenueOut)
async def get_public_venue(ctx: CtxDep, venue: VisibleVenue) -> PublicVenueOut:
    return await public(ctx, venue)


@router.get("/venues/{venue_id}/times", response_model=TimesOut)
async def guest_times(
    day: ServiceDay,
    party_size: Annotated[int, Query(ge=1, le=200)],
    ctx: CtxDep,
    venue: VisibleVenue,
    area_id: Annotated[str | None, Query(max_length=64)] = None,
) -> TimesOut:
    times = await reservations.available_times(
        ctx, venue=venue, day=day, party_size=party_size, area_id=area_id
    )
    return times_out(day, party_size, venue, times)


@router.post("/venues/{venue_id}/reservations", status_code=201, response_model=ReservationOut)
async def guest_reserve(
    body: ReservationRequest, ctx: CtxDep, user: CurrentUser, venue: VisibleVenue
) -> ReservationOut:
    """Reserve a table: 201 `confirmed` (or `pending` for large parties awaiting the venue);
    409 `no-table-available` with `alternatives` (nearest free start times that day)."""
    r, _ = await reservations.reserve(
        ctx,
        venue=venue,
        guest=reservations.Guest(
            body.guest_name or user.name,
            user.email,
            body.guest_phone,
            user.id,
            marketing_consent=body.marketing_consent,
        ),
        wish=reservations.Wish(
            starts_at=body.starts_at,
            party_size=body.party_size,
            area_id=body.area_id,
            occasion=body.occasion,
            guest_note=body.guest_note,
        ),
    )
    return await one_guest(ctx, r)


@router.get("/me/reservations", response_model=Page[ReservationOut])
async def my_reservations(
    ctx: CtxDep, user: CurrentUser, cursor: Cursor = None, limit: Limit = 50
) -> Page[ReservationOut]:
    page = await reservations.of_user(ctx, user=user, cursor=cursor, limit=limit)
    items = await present(ctx, page.items, staff=False)
    return Page(items=list(items), next_cursor=page.next_cursor)


@router.get("/reservations/{reservation_id}", response_model=ReservationOut)
async def get_reservation(ctx: CtxDep, r: GuestReservation) -> ReservationOut:
    return await one_guest(ctx, r)


async def _guest_venue(ctx: Ctx, r: Reservation, user_id: str) -> Venue:
    venue = await ctx.session.get(Venue, r.venue_id)
    if venue is None or r.user_id != user_id:
        raise NotFound("No such reservation.")  # staff change reservations on the staff API
    return venue


@router.patch("/reservations/{reservation_id}", response_model=ReservationOut)
async def change_reservation(
    body: ReservationChange, ctx: CtxDep, user: CurrentUser, r: GuestReservation
) -> ReservationOut:
    venue = await _guest_venue(ctx, r, user.id)
    notes = body.model_dump(include={"occasion", "guest_note"}, exclude_unset=True)
    await reservations.change(
        ctx,
        venue=venue,
        r=r,
        starts_at=body.starts_at,
        party_size=body.party_size,
        notes=notes,
        by_guest=True,
    )
    return await one_guest(ctx, r)


@router.post("/reservations/{reservation_id}/cancel", response_model=ReservationOut)
async def cancel_reservation(ctx: CtxDep, user: CurrentUser, r: GuestReservation) -> ReservationOut:
    venue = await _guest_venue(ctx, r, user.id)
    await reservations.set_status(ctx, venue=venue, r=r, status="cancelled", by_guest=True)
    return await one_guest(ctx, r)


# --- deposits ------------------------------------------------------------------------------


@router.post("/reservations/{reservation_id}/deposit/checkout", response_model=DepositCheckoutOut)
async def deposit_checkout(
    reservation_id: Id,
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> DepositCheckoutOut:
    """Pay the deposit of a held reservation online: where to send the guest (`checkout_url`
    null: pay at the venue). The provider is called with no transaction open."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send an access token as 'Authorization: Bearer <token>'.")
    token = credentials.credentials

    async def authenticate(ctx: Ctx) -> User:
        user, _ = await sessions.user_for_access_token(ctx, token)
        return user

    started = await holds.start_checkout(
        app_state(request),
        reservation_id=reservation_id,
        authenticate=authenticate,
        request_id=request_id_var.get(),
    )
    return DepositCheckoutOut(
        reservation_id=reservation_id,
        provider=started.provider,
        checkout_url=started.url,
        held_until=started.held_until,
    )


@router.post("/venues/payments/stripe/webhook", response_model=WebhookOut)
async def stripe_webhook(request: Request, ctx: CtxDep) -> WebhookOut:
    """Stripe's events for venue deposits; the library verifies the signature first.

    Point a Stripe webhook endpoint here as well as at the events' one: each keeps its own
    record of events seen, and each ignores checkouts that are not its own.
    """
    stripe = StripeProvider()
    event = stripe.read_webhook(await request.body(), request.headers.get("stripe-signature"))
    if not await payments.first_delivery(ctx, provider="stripe", event_id=f"venues:{event.id}"):
        return WebhookOut(received=True)
    if event.type in PAID_EVENTS:
        session = event.data.object.to_dict()
        if session.get("payment_status") == "paid":
            r = await holds.of_checkout(ctx, provider="stripe", ref=str(session.get("id")))
            venue = await ctx.session.get(Venue, r.venue_id) if r is not None else None
            if r is not None and venue is not None:
                await holds.mark_paid(
                    ctx,
                    venue=venue,
                    r=r,
                    provider="stripe",
                    charge=str(session.get("payment_intent") or ""),
                )
    return WebhookOut(received=True)
