"""Busy time of people over a window: their imported calendars and the events they attend.

Built once per request for everybody asked (a handful of queries whatever the number of
people), because constructing `Busy` values is the expensive part of find-a-time.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select

from cadence.accounts.models import User
from cadence.calendar.convert import occurrences_of, overrides_of
from cadence.calendar.materialise import expand
from cadence.calendar.models import CalendarImport, CalendarImportBusy, Event, EventAttendee
from cadence.context import Ctx
from cadence.time.findtime import Busy

NOT_ATTENDING = ("declined",)
# Windows an import's materialised horizon does not cover are expanded from its text; the
# result only depends on the stored text, the window and the zone, so it is kept per
# process, keyed by the import's id and refresh time (a refresh or delete changes the key).
_EXPANDED: OrderedDict[tuple[str, datetime, datetime, datetime, str], tuple[Busy, ...]] = (
    OrderedDict()
)
_EXPANDED_MAX = 256


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


async def _expanded(
    ctx: Ctx, import_id: str, refreshed_at: datetime, zone: str, start: datetime, end: datetime
) -> tuple[Busy, ...]:
    key = (import_id, refreshed_at, start, end, zone)
    busy = _EXPANDED.get(key)
    if busy is not None:
        _EXPANDED.move_to_end(key)
        return busy
    text = await ctx.session.scalar(
        select(CalendarImport.ics).where(CalendarImport.id == import_id)
    )
    busy = await expand(text or "", zone, start, end)
    _EXPANDED[key] = busy
    if len(_EXPANDED) > _EXPANDED_MAX:
        _EXPANDED.popitem(last=False)
    return busy


async def import_busy_of(
    ctx: Ctx, user_ids: Sequence[str], window_start: datetime, window_end: datetime
) -> dict[str, list[Busy]]:
    """Imported busy time: one indexed range query over the materialised occurrences.

    An import whose horizon does not cover the window, or that was materialised in another
    zone than the person's current one, is expanded from its text instead (same answer).
    """
    ids = list(user_ids)
    rows = await ctx.session.execute(
        select(
            CalendarImport.user_id,
            CalendarImport.id,
            CalendarImport.refreshed_at,
            CalendarImport.busy_from,
            CalendarImport.busy_until,
            CalendarImport.busy_timezone,
            CalendarImport.busy_longest_minutes,
            User.timezone,
        )
        .join(User, User.id == CalendarImport.user_id)
        .where(CalendarImport.user_id.in_(ids))
    )
    out: dict[str, list[Busy]] = defaultdict(list)
    stale: list[str] = []
    longest = 0
    for user_id, import_id, refreshed_at, b_from, b_until, b_zone, b_longest, zone in rows:
        covered = (
            b_from is not None
            and b_until is not None
            and b_from <= window_start
            and window_end <= b_until
            and b_zone == zone
        )
        if covered:
            longest = max(longest, b_longest)
            continue
        stale.append(import_id)
        busy = await _expanded(ctx, import_id, refreshed_at, zone, window_start, window_end)
        out[user_id].extend(busy)
    first, last = int(window_start.timestamp() // 60), -int(-window_end.timestamp() // 60)
    query = select(
        CalendarImportBusy.user_id,
        CalendarImportBusy.start_minute,
        CalendarImportBusy.end_minute,
        CalendarImportBusy.title,
        CalendarImportBusy.source,
    ).where(
        CalendarImportBusy.user_id.in_(ids),
        CalendarImportBusy.start_minute >= first - longest,
        CalendarImportBusy.start_minute < last,
        CalendarImportBusy.end_minute > first,
    )
    if stale:
        query = query.where(CalendarImportBusy.import_id.not_in(stale))
    instants: dict[int, datetime] = {}
    for user_id, start, end, title, source in await ctx.session.execute(query):
        if start not in instants:
            instants[start] = datetime.fromtimestamp(start * 60, UTC)
        if end not in instants:
            instants[end] = datetime.fromtimestamp(end * 60, UTC)
        out[user_id].append(Busy(instants[start], instants[end], title, source))
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
