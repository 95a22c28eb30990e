"""Busy time of people over a window: their imported calendars and the events they attend.

Built once per request for everybody asked (a handful of queries whatever the number of
people), because constructing `Busy` values is the expensive part of find-a-time.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from cadence.accounts.models import User
from cadence.calendar.convert import occurrences_of, overrides_of
from cadence.calendar.models import CalendarImport, Event, EventAttendee
from cadence.context import Ctx
from cadence.time.findtime import Busy
from cadence.time.ical import InvalidCalendarError, import_busy

NOT_ATTENDING = ("declined",)
# Expanding an imported calendar (parse + recurrence expansion) is the slow part of busy
# time; the result only depends on the stored text and the window, so it is kept per
# process, keyed by the import's id and refresh time (a refresh or delete changes the key).
_EXPANDED: OrderedDict[tuple[str, datetime, datetime, datetime, str], tuple[Busy, ...]] = (
    OrderedDict()
)
_EXPANDED_MAX = 2048


async def attended_events(
    ctx: Ctx, user_ids: Sequence[str], *, window_start: datetime | None = None
) -> list[tuple[str, Event]]:
    """(user_id, event) for every live event each person attends (rsvp not declined)."""
    query = (
        select(EventAttendee.user_id, Event)
        .join(Event, Event.id == EventAttendee.event_id)
        .where(
            EventAttendee.user_id.in_(list(user_ids)),
            EventAttendee.rsvp.not_in(NOT_ATTENDING),
            Event.status != "cancelled",
        )
    )
    if window_start is not None:
        # A one-off event that ended before the window cannot matter; series may still.
        query = query.where((Event.ends_at > window_start) | Event.rrule.is_not(None))
    return [(uid, ev) for uid, ev in (await ctx.session.execute(query)).all()]


async def event_busy(
    ctx: Ctx,
    user_ids: Sequence[str],
    window_start: datetime,
    window_end: datetime,
    *,
    skip_event: str | None = None,
) -> dict[str, list[Busy]]:
    rows = await attended_events(ctx, user_ids, window_start=window_start)
    rows = [(u, e) for u, e in rows if e.id != skip_event]
    overrides = await overrides_of(ctx, list({e.id for _, e in rows}))
    cache: dict[str, list[Busy]] = {}
    out: dict[str, list[Busy]] = defaultdict(list)
    for user_id, event in rows:
        if event.id not in cache:
            cache[event.id] = [
                Busy(o.start, o.end, o.summary or event.name, f"event:{event.id}")
                for o in occurrences_of(
                    event, overrides.get(event.id, []), window_start, window_end
                )
            ]
        out[user_id].extend(cache[event.id])
    return out


async def import_busy_of(
    ctx: Ctx, user_ids: Sequence[str], window_start: datetime, window_end: datetime
) -> dict[str, list[Busy]]:
    rows = await ctx.session.execute(
        select(
            CalendarImport.user_id,
            CalendarImport.id,
            CalendarImport.refreshed_at,
            CalendarImport.ics,
            User.timezone,
        )
        .join(User, User.id == CalendarImport.user_id)
        .where(CalendarImport.user_id.in_(list(user_ids)))
    )
    out: dict[str, list[Busy]] = defaultdict(list)
    for user_id, import_id, refreshed_at, ics, zone in rows:
        key = (import_id, refreshed_at, window_start, window_end, zone)
        busy = _EXPANDED.get(key)
        if busy is None:
            try:
                busy = import_busy(
                    ics, window_start=window_start, window_end=window_end, timezone=zone
                ).busy
            except InvalidCalendarError:
                busy = ()  # validated when stored; a library upgrade must not break find-a-time
            _EXPANDED[key] = busy
            if len(_EXPANDED) > _EXPANDED_MAX:
                _EXPANDED.popitem(last=False)
        else:
            _EXPANDED.move_to_end(key)
        out[user_id].extend(busy)
    return out


async def busy_of(
    ctx: Ctx,
    user_ids: Sequence[str],
    window_start: datetime,
    window_end: datetime,
    *,
    skip_event: str | None = None,
) -> dict[str, tuple[Busy, ...]]:
    """Everybody's busy time overlapping the window, sorted by start."""
    events = await event_busy(ctx, user_ids, window_start, window_end, skip_event=skip_event)
    imports = await import_busy_of(ctx, user_ids, window_start, window_end)
    return {
        uid: tuple(sorted(events.get(uid, []) + imports.get(uid, []), key=lambda b: b.start_minute))
        for uid in user_ids
    }
