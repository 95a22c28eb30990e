"""What every payment provider offers, and the registry of the available ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class CheckoutLine:
    name: str
    unit_amount: int
    quantity: int


@dataclass(frozen=True)
class CheckoutRequest:
    booking_id: str
    payment_id: str
    currency: str
    lines: tuple[CheckoutLine, ...]
    customer_email: str | None
    success_url: str
    cancel_url: str


@dataclass(frozen=True)
class Checkout:
    """Where the customer pays: the provider's reference and the page to send them to."""

    ref: str
    url: str | None


class PaymentProvider(Protocol):
    """A way to be paid. Network calls are made with no database transaction open."""

    name: str
    offline: bool  # works without any network connection (the demo, the door)

    async def create_checkout(self, request: CheckoutRequest) -> Checkout | None:
        """Start paying online; None when the provider has no online checkout."""
        ...

    async def refund(self, *, payment_id: str, charge: str, amount: int) -> str | None:
        """Give the money back; the provider's refund id, or None for a refund by hand."""
        ...


def provider(name: str) -> PaymentProvider:
    from cadence.booking.payments.manual import ManualProvider
    from cadence.booking.payments.stripe_adapter import StripeProvider

    if name == "stripe":
        return StripeProvider()
    return ManualProvider()
