"""Reminders relative to an event's start (by default 24 h and 2 h before; per person).

A reminder is a scheduled job keyed `reminder:<event>:<person>:<occurrence start>:<minutes>`.
`reschedule_reminders(ctx, event_id)` is called, in the same transaction, wherever an event
is created, moved or cancelled or its attendees change: it deletes the event's reminder jobs
still queued and enqueues what the event now needs — nothing for a cancelled event or for a
person who declined. A reminder already sent keeps its (done) job, so the same key is not
sent twice; a moved event gets new keys and new reminders.

Recurring events get a job per occurrence within `HORIZON`; each reminder re-arms its series
when it runs, and an hourly periodic job (`notify.reminders.refresh`) keeps the horizon
filled. One-off events are scheduled in full at once. A person who changes their offsets
gets every event ahead of them re-planned (`reschedule_for_person`). The handler checks
again when it runs (event still on, person still coming, occurrence still at that time), so
a job that escaped deletion does nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, or_, select

from cadence.accounts.models import User
from cadence.calendar.convert import occurrences_of, overrides_of
from cadence.calendar.models import Event, EventAttendee
from cadence.context import Ctx
from cadence.jobs import JobRun, enqueue, handler, periodic
from cadence.jobs.models import QUEUED, Job
from cadence.notify import timing
from cadence.notify.service import notify
from cadence.time.zones import get_zone

REMINDER_JOB = "notify.reminder"
REFRESH_JOB = "notify.reminders.refresh"
REMINDER_KIND = "event.reminder"
HORIZON = timedelta(days=14)


def _stamp(at: datetime) -> str:
    return at.strftime("%Y%m%dT%H%M%SZ")


def reminder_key(event_id: str, user_id: str, start: datetime, minutes: int) -> str:
    return f"reminder:{event_id}:{user_id}:{_stamp(start)}:{minutes}"


async def _drop_queued(ctx: Ctx, event_id: str) -> None:
    await ctx.session.execute(
        delete(Job)
        .where(Job.key.startswith(f"reminder:{event_id}:"), Job.status == QUEUED)
        .execution_options(synchronize_session=False)
    )


async def reschedule_reminders(ctx: Ctx, event_id: str) -> int:
    """Bring the event's queued reminder jobs in line with it; returns how many it wants."""
    await ctx.session.flush()
    await _drop_queued(ctx, event_id)
    event = await ctx.session.get(Event, event_id)
    if event is None or event.status == "cancelled":
        return 0
    people = list(
        await ctx.session.scalars(
            select(EventAttendee.user_id).where(
                EventAttendee.event_id == event_id, EventAttendee.rsvp != "declined"
            )
        )
    )
    if not people:
        return 0
    chosen = await timing.settings_for(ctx, people)
    offsets = {user_id: timing.reminder_minutes(chosen.get(user_id)) for user_id in people}
    longest = timedelta(minutes=max((m for ms in offsets.values() for m in ms), default=0))
    now = ctx.now()
    recurring = bool(event.rrule or event.rdates)
    until = (
        now + HORIZON + longest + timedelta(minutes=1)
        if recurring
        else event.ends_at + timedelta(days=1)
    )
    overrides = (await overrides_of(ctx, [event.id])).get(event.id, [])
    count = 0
    for occurrence in occurrences_of(event, overrides, now, until):
        if occurrence.start <= now:
            continue
        for user_id in people:
            for minutes in offsets[user_id]:
                run_at = occurrence.start - timedelta(minutes=minutes)
                if run_at < now or (recurring and run_at > now + HORIZON):
                    continue
                await _enqueue_reminder(ctx, event, user_id, occurrence.start, minutes)
                count += 1
    return count


async def plan_for_attendee(ctx: Ctx, *, event: Event, user_id: str) -> None:
    """One new attendee's reminders, exactly as `reschedule_reminders` plans them, without
    re-planning everyone else's (a booking adds one attendee to events of hundreds).

    A recurring event is re-planned in full.
    """
    if event.rrule or event.rdates:
        await reschedule_reminders(ctx, event.id)
        return
    now = ctx.now()
    if event.status == "cancelled" or event.starts_at <= now:
        return
    chosen = await timing.settings_for(ctx, [user_id])
    for minutes in timing.reminder_minutes(chosen.get(user_id)):
        if event.starts_at - timedelta(minutes=minutes) >= now:
            await _enqueue_reminder(ctx, event, user_id, event.starts_at, minutes)


async def _enqueue_reminder(
    ctx: Ctx, event: Event, user_id: str, start: datetime, minutes: int
) -> None:
    """The reminder job of one occurrence for one person; its key makes planning twice
    harmless."""
    await enqueue(
        ctx,
        REMINDER_JOB,
        {"event_id": event.id, "user_id": user_id, "start": start.isoformat(), "minutes": minutes},
        run_at=start - timedelta(minutes=minutes),
        key=reminder_key(event.id, user_id, start, minutes),
        org_id=event.org_id,
    )


async def reschedule_for_person(ctx: Ctx, user_id: str) -> int:
    """After a person changes their reminder offsets: re-plan every event still ahead that
    they attend (reminders already sent keep their done jobs). Returns how many events."""
    event_ids = list(
        await ctx.session.scalars(
            select(EventAttendee.event_id)
            .join(Event, Event.id == EventAttendee.event_id)
            .where(
                EventAttendee.user_id == user_id,
                EventAttendee.rsvp != "declined",
                Event.status != "cancelled",
                or_(Event.ends_at > ctx.now(), Event.rrule.is_not(None)),
            )
        )
    )
    for event_id in event_ids:
        await reschedule_reminders(ctx, event_id)
    return len(event_ids)


def _ahead(minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return "tomorrow" if days == 1 else f"in {days} days"
    if minutes % 60 == 0:
        return f"in {minutes // 60} hour{'s' if minutes != 60 else ''}"
    return f"in {minutes} minutes"


@handler(REMINDER_JOB, max_attempts=5)
async def send_reminder(run: JobRun) -> None:
    payload = run.payload
    start = datetime.fromisoformat(payload["start"])
    async with run.unit_of_work(complete=True) as ctx:
        event = await ctx.session.get(Event, payload["event_id"])
        user = await ctx.session.get(User, payload["user_id"])
        if event is None or user is None or event.status == "cancelled":
            return
        coming = await ctx.session.scalar(
            select(
                exists().where(
                    and_(
                        EventAttendee.event_id == event.id,
                        EventAttendee.user_id == user.id,
                        EventAttendee.rsvp != "declined",
                    )
                )
            )
        )
        overrides = (await overrides_of(ctx, [event.id])).get(event.id, [])
        window = occurrences_of(event, overrides, start, start + timedelta(minutes=1))
        if coming and any(o.start == start for o in window):
            local = start.astimezone(get_zone(user.timezone))
            where = f" at {event.venue}" if event.venue else ""
            await notify(
                ctx,
                user_id=user.id,
                org_id=event.org_id,
                kind=REMINDER_KIND,
                title=f"Reminder: {event.name} {_ahead(int(payload['minutes']))}",
                body=f"{event.name} starts {local:%a %d %b %Y, %H:%M} ({user.timezone}){where}.",
                key=run.key or f"reminder-job:{run.id}",
                email_to=user.email,
                not_after=start,
            )
        if event.rrule or event.rdates:
            await reschedule_reminders(ctx, event.id)  # re-arm the next occurrences


@handler(REFRESH_JOB, max_attempts=3)
async def refresh_reminders(run: JobRun) -> None:
    """Keep every recurring event's reminders scheduled `HORIZON` ahead."""
    async with run.unit_of_work(complete=True) as ctx:
        recurring = list(
            await ctx.session.scalars(
                select(Event.id).where(
                    Event.status != "cancelled",
                    Event.rrule.is_not(None),
                    exists().where(EventAttendee.event_id == Event.id),
                )
            )
        )
        for event_id in recurring:
            await reschedule_reminders(ctx, event_id)


periodic("notify.reminders.refresh", "41 * * * *", REFRESH_JOB)
