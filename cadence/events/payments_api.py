"""HTTP API of payments: Stripe Checkout, Stripe's webhook, and marking a booking paid.

`checkout` calls Stripe with no transaction open: it reads in one short transaction, asks
Stripe, then records the session in a second one (a lapsed hold meanwhile is harmless: a
late payment is refunded by the webhook).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from cadence.accounts import sessions
from cadence.booking import service
from cadence.booking.payments import service as payments
from cadence.booking.payments.base import provider
from cadence.booking.payments.stripe_adapter import StripeProvider
from cadence.context import unit_of_work
from cadence.errors import Conflict, PermissionDenied, Unauthorized
from cadence.events.schemas import CheckoutOut, WebhookOut
from cadence.http.deps import CtxDep, CurrentUser, app_state
from cadence.http.requestctx import request_id_var
from cadence.http.schemas import PROBLEM_RESPONSES

router = APIRouter(tags=["payments"], responses=PROBLEM_RESPONSES)  # under /api/v1
_bearer = HTTPBearer(auto_error=False, description="An access token from /api/v1/auth/login")
PAID_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")


@router.post("/bookings/{booking_id}/checkout", response_model=CheckoutOut)
async def checkout(
    booking_id: str,
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> CheckoutOut:
    """Start paying a held booking online; answers where to send the customer."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send an access token as 'Authorization: Bearer <token>'.")
    state = app_state(request)
    rid = request_id_var.get()
    async with unit_of_work(
        state.read_sessions, state.settings, state.clock, request_id=rid
    ) as ctx:
        user, _ = await sessions.user_for_access_token(ctx, credentials.credentials)
        booking = await service.booking_for(ctx, booking_id=booking_id, user=user)
        existing = await payments.payment_of(ctx, booking.id)
        if existing is not None and existing.checkout_url and booking.status == "held":
            return CheckoutOut(
                booking_id=booking.id,
                provider=existing.provider,
                checkout_url=existing.checkout_url,
            )
        payment, ask = await payments.checkout_request(
            ctx, booking=booking, email=user.email, base_url=state.settings.base_url
        )
    chosen = provider(payment.provider)
    result = await chosen.create_checkout(ask)
    if result is None:
        return CheckoutOut(booking_id=booking.id, provider=chosen.name, checkout_url=None)
    async with unit_of_work(state.sessions, state.settings, state.clock, request_id=rid) as ctx:
        ctx.actor_id = user.id
        await payments.attach_checkout(ctx, payment_id=payment.id, ref=result.ref, url=result.url)
    return CheckoutOut(booking_id=booking.id, provider=chosen.name, checkout_url=result.url)


@router.post("/bookings/{booking_id}/mark-paid", response_model=CheckoutOut)
async def mark_paid(booking_id: str, ctx: CtxDep, user: CurrentUser) -> CheckoutOut:
    """The organiser received the money (manual payment): the booking is confirmed."""
    booking = await service.booking_for(ctx, booking_id=booking_id, user=user, lock=True)
    if not await service.is_manager(ctx, org_id=booking.org_id, user_id=user.id):
        raise PermissionDenied("Only the organiser marks a booking paid.")
    payment = await payments.payment_of(ctx, booking.id)
    if payment is None or payment.provider != "manual":
        raise Conflict("Only manual payments are marked paid by hand.")
    await payments.mark_paid(ctx, booking=booking, provider="manual")
    return CheckoutOut(booking_id=booking.id, provider="manual", checkout_url=None)


@router.post("/payments/stripe/webhook", response_model=WebhookOut)
async def stripe_webhook(request: Request, ctx: CtxDep) -> WebhookOut:
    """Stripe's events; the signature is verified by the library before anything is read."""
    stripe = StripeProvider()
    event = stripe.read_webhook(await request.body(), request.headers.get("stripe-signature"))
    if not await payments.first_delivery(ctx, provider="stripe", event_id=str(event.id)):
        return WebhookOut(received=True)
    if event.type in PAID_EVENTS:
        session = event.data.object.to_dict()
        if session.get("payment_status") == "paid":
            booking = await payments.booking_of_checkout(
                ctx, provider="stripe", ref=str(session.get("id"))
            )
            if booking is not None:
                await payments.mark_paid(
                    ctx,
                    booking=booking,
                    provider="stripe",
                    charge=str(session.get("payment_intent") or ""),
                )
    return WebhookOut(received=True)
