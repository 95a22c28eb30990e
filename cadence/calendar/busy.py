"""Busy time of people over a window: their imported calendars and the events they attend;
and of resources: the events that book them.

Built once per request for everybody asked (a handful of queries whatever the number of
people). Constructing `Busy` values was the expensive part of find-a-time through the API,
so imported occurrences are kept per process as ready values, per import and 30-day bucket,
keyed by what changes when the import's rows change (see `import_busy_of`); a warm request
reads one small row per import and no occurrence rows.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from operator import attrgetter

from sqlalchemy import select

from cadence.accounts.models import User
from cadence.calendar.convert import occurrences_of, overrides_of
from cadence.calendar.materialise import expand
from cadence.calendar.models import (
    CalendarImport,
    CalendarImportBusy,
    Event,
    EventAttendee,
    EventResource,
)
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


async def booked_events(
    ctx: Ctx, resource_ids: Sequence[str], *, window_start: datetime | None = None
) -> list[tuple[str, Event]]:
    """(resource_id, event) for every live event that books each resource."""
    query = (
        select(EventResource.resource_id, Event)
        .join(Event, Event.id == EventResource.event_id)
        .where(EventResource.resource_id.in_(list(resource_ids)), Event.status != "cancelled")
    )
    if window_start is not None:
        query = query.where((Event.ends_at > window_start) | Event.rrule.is_not(None))
    return [(rid, ev) for rid, ev in (await ctx.session.execute(query)).all()]


async def _occurrence_busy(
    ctx: Ctx,
    rows: list[tuple[str, Event]],
    window_start: datetime,
    window_end: datetime,
    skip_event: str | None,
) -> dict[str, list[Busy]]:
    """Each owner's occurrences of their events over the window (each series expanded once)."""
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


async def event_busy(
    ctx: Ctx,
    user_ids: Sequence[str],
    window_start: datetime,
    window_end: datetime,
    *,
    skip_event: str | None = None,
) -> dict[str, list[Busy]]:
    rows = await attended_events(ctx, user_ids, window_start=window_start)
    return await _occurrence_busy(ctx, rows, window_start, window_end, skip_event)


async def resource_busy_of(
    ctx: Ctx,
    resource_ids: Sequence[str],
    window_start: datetime,
    window_end: datetime,
    *,
    skip_event: str | None = None,
) -> dict[str, tuple[Busy, ...]]:
    """Every resource's bookings (occurrences of the events that book it), sorted by start."""
    rows = await booked_events(ctx, resource_ids, window_start=window_start)
    busy = await _occurrence_busy(ctx, rows, window_start, window_end, skip_event)
    return {
        rid: tuple(sorted(busy.get(rid, []), key=lambda b: b.start_minute)) for rid in resource_ids
    }


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


# Materialised imported occurrences, per import and 30-day bucket of their start minute, as
# ready `Busy` values: the rows of an import only change with its identity below (a refresh
# changes `refreshed_at`, moving the horizon changes `busy_from`/`busy_until`), so a request
# for any window reads the buckets it needs from here and only queries the missing ones.
_BUCKET = 30 * 24 * 60
Identity = tuple[str, datetime, datetime, datetime, str]  # id, refreshed, from, until, zone
BucketKey = tuple[str, datetime, datetime, datetime, str, int]
_BUCKETS: OrderedDict[BucketKey, tuple[Busy, ...]] = OrderedDict()
_BUCKETS_MAX_BUSY = 400_000  # about 40 MB of cached values per process
_bucket_total = 0


def _cache_bucket(key: BucketKey, busy: tuple[Busy, ...]) -> None:
    global _bucket_total
    _BUCKETS[key] = busy
    _bucket_total += len(busy)
    while _bucket_total > _BUCKETS_MAX_BUSY and len(_BUCKETS) > 1:
        _, dropped = _BUCKETS.popitem(last=False)
        _bucket_total -= len(dropped)


async def _load_buckets(
    ctx: Ctx, wanted: dict[str, tuple[Identity, int, int]], have: dict[BucketKey, tuple[Busy, ...]]
) -> None:
    """Read the buckets of these imports (one range query) into ``have`` and the cache."""
    lo = min(b_lo for _, b_lo, _ in wanted.values())
    hi = max(b_hi for _, _, b_hi in wanted.values())
    found: dict[tuple[str, int], list[Busy]] = defaultdict(list)
    instants: dict[int, datetime] = {}
    from_minutes = Busy.from_minutes
    query = select(
        CalendarImportBusy.import_id,
        CalendarImportBusy.start_minute,
        CalendarImportBusy.end_minute,
        CalendarImportBusy.title,
        CalendarImportBusy.source,
    ).where(
        CalendarImportBusy.import_id.in_(list(wanted)),
        CalendarImportBusy.start_minute >= lo * _BUCKET,
        CalendarImportBusy.start_minute < (hi + 1) * _BUCKET,
    )
    # Rows are whole minutes already: build `Busy` from them without re-checking datetimes,
    # sharing one datetime per distinct minute.
    for import_id, start, end, title, source in await ctx.session.execute(query):
        s_at = instants.get(start)
        if s_at is None:
            s_at = instants[start] = datetime.fromtimestamp(start * 60, UTC)
        e_at = instants.get(end)
        if e_at is None:
            e_at = instants[end] = datetime.fromtimestamp(end * 60, UTC)
        busy = from_minutes(start, end, title, source, start=s_at, end=e_at)
        found[(import_id, start // _BUCKET)].append(busy)
    for import_id, (identity, b_lo, b_hi) in wanted.items():
        for bucket in range(b_lo, b_hi + 1):
            items = found.get((import_id, bucket), [])
            items.sort(key=lambda b: b.start_minute)
            key = (*identity, bucket)
            have[key] = tuple(items)
            _cache_bucket(key, have[key])


async def import_busy_of(
    ctx: Ctx, user_ids: Sequence[str], window_start: datetime, window_end: datetime
) -> dict[str, list[Busy]]:
    """Imported busy time: the materialised occurrences, from the per-process bucket cache
    or one indexed range query for what it lacks.

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
    first, last = int(window_start.timestamp() // 60), -int(-window_end.timestamp() // 60)
    out: dict[str, list[Busy]] = defaultdict(list)
    covered: list[tuple[str, Identity, int, int]] = []
    missing: dict[str, tuple[Identity, int, int]] = {}
    have: dict[BucketKey, tuple[Busy, ...]] = {}  # this request's buckets (whatever evicts)
    for user_id, import_id, refreshed_at, b_from, b_until, b_zone, b_longest, zone in rows:
        if (
            b_from is None
            or b_until is None
            or not (b_from <= window_start and window_end <= b_until)
            or b_zone != zone
        ):
            busy = await _expanded(ctx, import_id, refreshed_at, zone, window_start, window_end)
            out[user_id].extend(busy)
            continue
        identity = (import_id, refreshed_at, b_from, b_until, b_zone)
        b_lo, b_hi = (first - b_longest) // _BUCKET, (last - 1) // _BUCKET
        covered.append((user_id, identity, b_lo, b_hi))
        for bucket in range(b_lo, b_hi + 1):
            key = (*identity, bucket)
            cached = _BUCKETS.get(key)
            if cached is None:
                missing[import_id] = (identity, b_lo, b_hi)
                break
            _BUCKETS.move_to_end(key)
            have[key] = cached
    if missing:
        await _load_buckets(ctx, missing, have)
    for user_id, identity, b_lo, b_hi in covered:
        mine = out[user_id]
        for bucket in range(b_lo, b_hi + 1):
            busy = have[(*identity, bucket)]
            if first <= bucket * _BUCKET and (bucket + 1) * _BUCKET <= last:
                mine.extend(busy)  # wholly inside the window
            else:
                mine.extend(b for b in busy if b.start_minute < last and b.end_minute > first)
    return out


_by_start = attrgetter("start_minute")


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
        uid: tuple(sorted(events.get(uid, []) + imports.get(uid, []), key=_by_start))
        for uid in user_ids
    }
