"""Background work of the booking engine: the hold/offer sweep and refunds."""

from __future__ import annotations

from cadence.booking import holds
from cadence.booking.models import Payment
from cadence.booking.payments.base import provider
from cadence.booking.payments.service import REFUND_JOB, record_refund
from cadence.jobs import JobRun, handler, periodic

SWEEP_JOB = "booking.sweep"


@handler(SWEEP_JOB)
async def sweep(run: JobRun) -> None:
    async with run.unit_of_work(complete=True) as ctx:
        await holds.sweep(ctx)


@handler(REFUND_JOB)
async def refund(run: JobRun) -> None:
    """Ask the provider for the refund (no transaction open), then record it."""
    payment_id = str(run.payload["payment_id"])
    async with run.unit_of_work() as ctx:
        payment = await ctx.session.get(Payment, payment_id)
        if payment is None or payment.status != "refund_pending":
            return
        name, charge, amount = payment.provider, payment.provider_charge, payment.amount_cents
    refund_id = await provider(name).refund(
        payment_id=payment_id, charge=charge or "", amount=amount
    )
    async with run.unit_of_work(complete=True) as ctx:
        payment = await ctx.session.get(Payment, payment_id)
        if payment is not None and payment.status == "refund_pending":
            await record_refund(ctx, payment=payment, refund_id=refund_id)


periodic(SWEEP_JOB, "* * * * *", SWEEP_JOB)
