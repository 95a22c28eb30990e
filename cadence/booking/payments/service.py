"""Payment rows kept in step with bookings, inside the caller's transaction.

A paid booking is `held` with one `pending` payment. It becomes `confirmed` when the
payment is marked paid (by the organiser, or by Stripe's webhook); an unpaid hold expires
(`cadence.booking.holds`). Cancelling a paid booking queues its refund as a job, so the
provider is called after commit, with no transaction open.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cadence.audit import service as audit
from cadence.booking.models import (
    Booking,
    BookingItem,
    CapacityPool,
    Payment,
    ProviderEvent,
    Ticket,
)
from cadence.booking.payments.base import CheckoutLine, CheckoutRequest
from cadence.booking.rules import Rules
from cadence.booking.service import confirm
from cadence.context import Ctx
from cadence.db import new_id
from cadence.errors import Conflict, NotFound

REFUND_JOB = "payments.refund"


async def payment_of(ctx: Ctx, booking_id: str) -> Payment | None:
    query = (
        select(Payment)
        .where(Payment.booking_id == booking_id)
        .order_by(Payment.id.desc())
        .execution_options(populate_existing=True)
    )
    return (await ctx.session.scalars(query)).first()


async def open_payment(ctx: Ctx, booking: Booking, rules: Rules) -> tuple[list[Ticket], Payment]:
    """The payment of a new paid booking; pay-at-door bookings are confirmed at once.

    Answers the tickets issued (pay-at-door only) and the payment, which the caller shows
    without reading it back.
    """
    provider = booking.payment_provider or rules.payment_provider
    booking.payment_provider = provider
    payment = Payment(
        id=new_id(),
        org_id=booking.org_id,
        booking_id=booking.id,
        provider=provider,
        status="pending",
        amount_cents=booking.total_cents,
        currency=booking.currency,
        created_at=ctx.now(),
    )
    ctx.session.add(payment)
    if provider == "manual" and rules.pay_at_door:
        payment.status = "due_at_door"
        return await confirm(ctx, booking), payment
    return [], payment


async def mark_paid(
    ctx: Ctx, *, booking: Booking, provider: str, charge: str | None = None
) -> Payment:
    """Record the money as received; a held booking is confirmed, a lapsed one refunded."""
    payment = await payment_of(ctx, booking.id)
    if payment is None:
        raise Conflict("This booking has nothing to pay.")
    if payment.status == "paid":
        return payment
    if payment.provider != provider:
        raise Conflict(f"This booking is paid through {payment.provider}.")
    if payment.status not in ("pending", "due_at_door", "expired", "cancelled"):
        raise Conflict(f"A {payment.status} payment cannot be marked paid.")
    payment.status = "paid"
    payment.paid_at = ctx.now()
    payment.provider_charge = charge or payment.provider_charge
    booking.payment_ref = charge or payment.provider_ref
    if booking.status == "held":
        await confirm(ctx, booking)
    elif booking.status in ("expired", "cancelled"):
        await _queue_refund(ctx, payment)  # paid after the hold lapsed: give it back
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=booking.org_id,
        action="payment.paid",
        target_type="booking",
        target_id=booking.id,
        after={"provider": provider, "status": payment.status, "booking": booking.status},
    )
    return payment


async def _queue_refund(ctx: Ctx, payment: Payment) -> None:
    from cadence.jobs import enqueue

    payment.status = "refund_pending"
    if payment.provider == "stripe" and payment.provider_charge:
        await enqueue(
            ctx,
            REFUND_JOB,
            {"payment_id": payment.id},
            key=f"refund-{payment.id}",
            org_id=payment.org_id,
        )
    else:
        payment.status = "refund_due"  # the organiser pays it back by hand


async def on_cancelled(ctx: Ctx, booking: Booking) -> None:
    """A cancelled booking's money goes back; an unpaid payment is simply closed."""
    payment = await payment_of(ctx, booking.id)
    if payment is None:
        return
    if payment.status == "paid":
        await _queue_refund(ctx, payment)
    elif payment.status in ("pending", "due_at_door"):
        payment.status = "cancelled"
    await ctx.session.flush()


async def on_expired(ctx: Ctx, booking: Booking) -> None:
    payment = await payment_of(ctx, booking.id)
    if payment is not None and payment.status == "pending":
        payment.status = "expired"
        await ctx.session.flush()


async def checkout_request(
    ctx: Ctx, *, booking: Booking, email: str | None, base_url: str
) -> tuple[Payment, CheckoutRequest]:
    """What to ask the provider for, for a held booking with a pending payment."""
    payment = await payment_of(ctx, booking.id)
    if booking.status != "held" or payment is None or payment.status != "pending":
        raise Conflict("This booking has no payment waiting.")
    rows = await ctx.session.execute(
        select(CapacityPool.name, BookingItem.unit_price_cents, BookingItem.quantity)
        .join(CapacityPool, CapacityPool.id == BookingItem.pool_id)
        .where(BookingItem.booking_id == booking.id, BookingItem.unit_price_cents > 0)
        .order_by(BookingItem.id)
    )
    lines = tuple(CheckoutLine(name, price, n) for name, price, n in rows)
    return payment, CheckoutRequest(
        booking_id=booking.id,
        payment_id=payment.id,
        currency=payment.currency,
        lines=lines,
        customer_email=email,
        success_url=f"{base_url}/bookings/{booking.id}?paid=1",
        cancel_url=f"{base_url}/bookings/{booking.id}",
    )


async def attach_checkout(ctx: Ctx, *, payment_id: str, ref: str, url: str | None) -> Payment:
    payment = await ctx.session.get(Payment, payment_id)
    if payment is None:
        raise NotFound("No such payment.")
    payment.provider_ref = ref
    payment.checkout_url = url
    await ctx.session.flush()
    return payment


async def first_delivery(ctx: Ctx, *, provider: str, event_id: str) -> bool:
    """True the first time a provider's event id is seen (webhooks come at least once)."""
    try:
        async with ctx.session.begin_nested():
            ctx.session.add(ProviderEvent(id=event_id, provider=provider, received_at=ctx.now()))
    except IntegrityError:
        return False
    return True


async def booking_of_checkout(ctx: Ctx, *, provider: str, ref: str) -> Booking | None:
    query = select(Booking).join(Payment, Payment.booking_id == Booking.id)
    query = query.where(Payment.provider == provider, Payment.provider_ref == ref)
    return (await ctx.session.scalars(query)).first()


async def record_refund(ctx: Ctx, *, payment: Payment, refund_id: str | None) -> None:
    payment.status = "refunded"
    payment.refunded_at = ctx.now()
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=payment.org_id,
        action="payment.refund",
        target_type="booking",
        target_id=payment.booking_id,
        after={"provider": payment.provider, "refund": refund_id},
    )
