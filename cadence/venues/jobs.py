"""Background work of the venues app: the reminder email before a reservation.

The reminder job is written with the reservation (see `notices.schedule_reminder`), keyed by
reservation and start time. The email is queued in the same transaction that completes the
job, so a retried job never reminds twice; a cancelled or moved reservation is skipped.
"""

from __future__ import annotations

from cadence.jobs import JobRun, handler
from cadence.venues import notices
from cadence.venues.models import Reservation, Venue


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
