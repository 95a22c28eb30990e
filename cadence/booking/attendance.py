"""A confirmed booking makes its holder an attendee of the event, with reminders.

Only the booker's own attendance changes, so only the booker's reminders are planned:
re-planning every attendee's (`reschedule_reminders`) cost two statements per attendee
and reminder offset on every booking, which made a booking late in a rush of 100 people
cost several hundred statements. Reminder jobs are keyed, so planning a person's
reminders again changes nothing.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from cadence.booking.models import Booking
from cadence.calendar.models import Event, EventAttendee
from cadence.context import Ctx
from cadence.db import new_id
from cadence.notify.reminders import plan_for_attendee, reschedule_reminders

NOT_READ = "?"  # `rsvp` argument of `attend`: the caller did not read the attendee row
_ATTENDEES = cast(Table, EventAttendee.__table__)


async def rsvp_of(ctx: Ctx, *, event_id: str, user_id: str) -> str | None:
    """The person's answer to the event; None when they are not an attendee."""
    return await ctx.session.scalar(
        select(EventAttendee.rsvp).where(
            EventAttendee.event_id == event_id, EventAttendee.user_id == user_id
        )
    )


async def attend(ctx: Ctx, *, event: Event, user_id: str, rsvp: str | None = NOT_READ) -> None:
    """Make the person an accepted attendee; plan their reminders if they had none.

    `rsvp` is their answer before this booking when the caller read it with its own
    statement (the booking path does); by default it is read here.
    """
    if rsvp == NOT_READ:
        rsvp = await rsvp_of(ctx, event_id=event.id, user_id=user_id)
    if rsvp == "accepted":
        return
    if rsvp is None:
        if not await _add_attendee(ctx, event_id=event.id, user_id=user_id):
            return  # a concurrent booking of the same person made them an attendee
    else:
        await ctx.session.execute(
            update(EventAttendee)
            .where(EventAttendee.event_id == event.id, EventAttendee.user_id == user_id)
            .values(rsvp="accepted")
            .execution_options(synchronize_session=False)
        )
    if rsvp in (None, "declined"):  # anyone else who had not declined has reminders already
        await plan_for_attendee(ctx, event=event, user_id=user_id)


async def _add_attendee(ctx: Ctx, *, event_id: str, user_id: str) -> bool:
    """Add the person as an accepted attendee; False if they already are one.

    `INSERT ... ON CONFLICT DO NOTHING`, not a plain INSERT: on PostgreSQL the booking path
    reads the attendance before the seats row lock orders two bookings of one event, so two
    bookings of the same person at once both see no attendee row, and the second would
    break the unique (event, person) constraint.
    """
    dialect = ctx.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    added = await ctx.session.execute(
        insert(_ATTENDEES)
        .values(id=new_id(), event_id=event_id, user_id=user_id, rsvp="accepted")
        .on_conflict_do_nothing(index_elements=["event_id", "user_id"])
    )
    return bool(added.rowcount == 1)  # type: ignore[attr-defined]


async def stop_attending_if_unbooked(ctx: Ctx, *, event_id: str, user_id: str) -> None:
    still = await ctx.session.scalar(
        select(func.count()).where(
            Booking.event_id == event_id, Booking.user_id == user_id, Booking.status == "confirmed"
        )
    )
    if not still:
        query = select(EventAttendee).where(
            EventAttendee.event_id == event_id, EventAttendee.user_id == user_id
        )
        attendee = (await ctx.session.scalars(query)).first()
        if attendee is not None:
            await ctx.session.delete(attendee)
            await ctx.session.flush()
            await reschedule_reminders(ctx, event_id)
