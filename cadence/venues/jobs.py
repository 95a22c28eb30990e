"""Background work of the venues app: reminders, lapsed deposit holds, deposit refunds.

The reminder job is written with the reservation (see `notices.schedule_reminder`), keyed by
reservation and start time. The email is queued in the same transaction that completes the
job, so a retried job never reminds twice; a cancelled or moved reservation is skipped.
The sweep releases held reservations whose deposit was not paid in time (new reservations
also sweep their venue first, so the sweep only matters for quiet venues). A refund asks
the provider with no transaction open, then records it.
"""

from __future__ import annotations

from cadence.booking.payments.base import provider
from cadence.jobs import JobRun, handler, periodic
from cadence.venues import deposits, holds, notices, reservations
from cadence.venues.models import Reservation, Venue

SWEEP_JOB = "venues.hold_sweep"


@handler(notices.REMINDER_JOB, max_attempts=5)
async def send_reminder(run: JobRun) -> None:
    async with run.unit_of_work(complete=True) as ctx:
        r = await ctx.session.get(Reservation, str(run.payload["reservation_id"]))
        if r is None or r.status != "confirmed":
            return
        if r.starts_at.isoformat() != run.payload.get("starts_at"):
            return  # moved since: the reminder of the new time is its own job
        venue = await ctx.session.get(Venue, r.venue_id)
        if venue is not None:
            await notices.reminder(ctx, venue, r)


@handler(SWEEP_JOB)
async def sweep_holds(run: JobRun) -> None:
    async with run.unit_of_work(complete=True) as ctx:
        await reservations.expire_lapsed(ctx)


@handler(deposits.REFUND_JOB)
async def refund_deposit(run: JobRun) -> None:
    reservation_id = str(run.payload["reservation_id"])
    async with run.unit_of_work() as ctx:
        r = await ctx.session.get(Reservation, reservation_id)
        if r is None or r.deposit_status != "refund_pending":
            return
        name, charge, amount = r.deposit_provider or "manual", r.deposit_charge, r.deposit_cents
    refund_id = await provider(name).refund(
        payment_id=reservation_id, charge=charge or "", amount=amount
    )
    async with run.unit_of_work(complete=True) as ctx:
        r = await ctx.session.get(Reservation, reservation_id)
        if r is not None and r.deposit_status == "refund_pending":
            await holds.record_refund(ctx, r=r, refund_id=refund_id)


periodic(SWEEP_JOB, "* * * * *", SWEEP_JOB)
