"""Manual payment: the customer pays the organiser (at the door, by transfer, in cash).

It needs no network: the organiser marks a held booking paid, or the event is pay-at-door
and bookings confirm at once with the payment due at the door.
"""

from __future__ import annotations

from cadence.booking.payments.base import Checkout, CheckoutRequest


class ManualProvider:
    name = "manual"
    offline = True

    async def create_checkout(self, request: CheckoutRequest) -> Checkout | None:
        return None

    async def refund(self, *, payment_id: str, charge: str, amount: int) -> str | None:
        return None  # the organiser gives the money back by hand
