"""Stripe through the official `stripe` library: Checkout Sessions, webhooks, refunds.

Configured from `CADENCE_STRIPE_SECRET_KEY`, `CADENCE_STRIPE_WEBHOOK_SECRET` and, for tests
against a local server that speaks Stripe's documented API, `CADENCE_STRIPE_API_BASE`.
Webhook signatures are checked by the library (`stripe.Webhook.construct_event`). The
library's calls are synchronous: they run in a worker thread, with no transaction open.
"""

from __future__ import annotations

import asyncio
from typing import Any

import stripe
from pydantic_settings import BaseSettings, SettingsConfigDict

from cadence.booking.payments.base import Checkout, CheckoutRequest
from cadence.errors import CadenceError, NotFound


class StripeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CADENCE_STRIPE_", extra="ignore")

    secret_key: str | None = None
    webhook_secret: str | None = None
    api_base: str | None = None


class PaymentProviderError(CadenceError):
    status = 502
    slug = "payment-provider-error"
    title = "The payment provider did not answer as expected"


class BadSignature(CadenceError):
    status = 400
    slug = "bad-signature"
    title = "The webhook signature does not verify"


def settings() -> StripeSettings:
    return StripeSettings()


def _client(config: StripeSettings) -> stripe.StripeClient:
    if not config.secret_key:
        raise NotFound("Stripe is not configured on this server.")
    return stripe.StripeClient(
        config.secret_key,
        base_addresses={"api": config.api_base} if config.api_base else {},
        max_network_retries=2,
    )


class StripeProvider:
    name = "stripe"
    offline = False

    def __init__(self, config: StripeSettings | None = None) -> None:
        self.config = config or settings()

    async def create_checkout(self, request: CheckoutRequest) -> Checkout | None:
        params: dict[str, Any] = {
            "mode": "payment",
            "client_reference_id": request.booking_id,
            "metadata": {"booking_id": request.booking_id, "payment_id": request.payment_id},
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "line_items": [
                {
                    "quantity": line.quantity,
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": line.unit_amount,
                        "product_data": {"name": line.name},
                    },
                }
                for line in request.lines
            ],
        }
        if request.customer_email:
            params["customer_email"] = request.customer_email
        try:
            session = await asyncio.to_thread(
                _client(self.config).v1.checkout.sessions.create,
                params,  # type: ignore[arg-type]
                {"idempotency_key": f"checkout-{request.payment_id}"},
            )
        except stripe.StripeError as exc:
            raise PaymentProviderError(f"Stripe refused the checkout: {exc}") from exc
        return Checkout(ref=str(session.id), url=session.url)

    async def refund(self, *, payment_id: str, charge: str, amount: int) -> str | None:
        try:
            refund = await asyncio.to_thread(
                _client(self.config).v1.refunds.create,
                {"payment_intent": charge, "amount": amount},
                {"idempotency_key": f"refund-{payment_id}"},
            )
        except stripe.StripeError as exc:
            raise PaymentProviderError(f"Stripe refused the refund: {exc}") from exc
        return str(refund.id)

    def read_webhook(self, payload: bytes, signature: str | None) -> stripe.Event:
        """The event, if its `Stripe-Signature` header verifies (checked by the library)."""
        if not self.config.webhook_secret:
            raise NotFound("Stripe webhooks are not configured on this server.")
        if not signature:
            raise BadSignature("The Stripe-Signature header is missing.")
        try:
            event: stripe.Event = stripe.Webhook.construct_event(
                payload, signature, self.config.webhook_secret
            )
        except stripe.SignatureVerificationError as exc:
            raise BadSignature("The Stripe-Signature header does not verify.") from exc
        except ValueError as exc:
            raise BadSignature("The webhook body is not a Stripe event.") from exc
        return event
