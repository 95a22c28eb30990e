"""Background work of the booking engine: the hold/offer sweep, tickets emails, refunds."""

from __future__ import annotations

import asyncio

from cadence.booking import holds, notices
from cadence.booking.documents import ticket_attachments
from cadence.booking.models import Payment
from cadence.booking.payments.base import provider
from cadence.booking.payments.service import REFUND_JOB, record_refund
from cadence.jobs import JobRun, handler, periodic

SWEEP_JOB = "booking.sweep"


@handler(SWEEP_JOB)
async def sweep(run: JobRun) -> None:
    async with run.unit_of_work(complete=True) as ctx:
        await holds.sweep(ctx)


@handler(notices.TICKETS_EMAIL_JOB, max_attempts=5)
async def tickets_email(run: JobRun) -> None:
    """Read the booking, draw QR images and PDF with no transaction open, queue the email."""
    booking_id, url = str(run.payload["booking_id"]), str(run.payload["url"])
    async with run.unit_of_work() as ctx:
        parts = await notices.confirmation_of(ctx, booking_id)
    if parts is None:
        return  # cancelled before the email was made: nothing to send
    files = await asyncio.to_thread(ticket_attachments, parts.event, parts.booking, parts.tickets)
    async with run.unit_of_work(complete=True) as ctx:
        await notices.queue_confirmation(ctx, parts, url=url, attachments=files)


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
