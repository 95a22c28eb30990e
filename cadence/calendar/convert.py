"""Stored events to the pure core's values: `Series` for expansion, `CalendarEvent` for export.

One place, so the feed, the per-event `.ics`, CalDAV publishing, busy time and conflict
checks all read an event (its rule, EXDATEs, RDATEs and overrides) the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select

from cadence.calendar.models import Event, EventOverride
from cadence.context import Ctx
from cadence.time.ical import CalendarEvent, EventStatus
from cadence.time.recurrence import Occurrence, Override, Series, expand


def instants(values: Iterable[str]) -> tuple[datetime, ...]:
    """RFC 3339 strings (as stored in `exdates`/`rdates`) to aware datetimes."""
    return tuple(datetime.fromisoformat(v.replace("Z", "+00:00")) for v in values)


async def overrides_of(ctx: Ctx, event_ids: Sequence[str]) -> dict[str, list[EventOverride]]:
    found: dict[str, list[EventOverride]] = defaultdict(list)
    if not event_ids:
        return found
    for chunk_start in range(0, len(event_ids), 500):
        chunk = event_ids[chunk_start : chunk_start + 500]
        rows = await ctx.session.scalars(
            select(EventOverride)
            .where(EventOverride.event_id.in_(chunk))
            .order_by(EventOverride.recurrence_id)
        )
        for row in rows:
            found[row.event_id].append(row)
    return found


def series_of(event: Event, overrides: Sequence[EventOverride] = ()) -> Series:
    return Series(
        start=event.starts_at,
        duration=event.ends_at - event.starts_at,
        timezone=event.timezone,
        rrule=event.rrule,
        rdates=instants(event.rdates or ()),
        exdates=instants(event.exdates or ()),
        overrides=tuple(
            Override(
                recurrence_id=o.recurrence_id,
                start=o.starts_at,
                end=o.ends_at,
                cancelled=o.cancelled,
                summary=o.name,
            )
            for o in overrides
        ),
    )


def occurrences_of(
    event: Event, overrides: Sequence[EventOverride], start: datetime, end: datetime
) -> list[Occurrence]:
    """The event's occurrences overlapping [start, end) (none if the event is cancelled)."""
    if event.status == "cancelled":
        return []
    if event.rrule is None and not event.rdates and not overrides:
        if event.starts_at < end and event.ends_at > start:
            return [Occurrence(event.starts_at, event.starts_at, event.ends_at)]
        return []
    return expand(series_of(event, overrides), start, end)


def ical_events(
    event: Event, overrides: Sequence[EventOverride] = (), *, url: str | None = None
) -> list[CalendarEvent]:
    """The VEVENTs of one stored event: the event (or series master) and its overrides."""
    status = EventStatus.CANCELLED if event.status == "cancelled" else EventStatus.CONFIRMED
    master = CalendarEvent(
        uid=event.uid,
        start=event.starts_at,
        end=event.ends_at,
        summary=event.name,
        stamp=event.updated_at,
        sequence=event.sequence,
        timezone=event.timezone,
        status=status,
        description=event.description,
        location=event.venue,
        url=url,
        rrule=event.rrule,
        exdates=instants(event.exdates or ()),
        rdates=instants(event.rdates or ()),
    )
    out = [master]
    if event.rrule is None and not event.rdates:
        return out
    duration = event.ends_at - event.starts_at
    for o in overrides:
        start = o.starts_at or o.recurrence_id
        cancelled = o.cancelled or status is EventStatus.CANCELLED
        out.append(
            CalendarEvent(
                uid=event.uid,
                start=start,
                end=o.ends_at or start + duration,
                summary=o.name or event.name,
                stamp=event.updated_at,
                sequence=event.sequence,
                timezone=event.timezone,
                status=EventStatus.CANCELLED if cancelled else EventStatus.CONFIRMED,
                description=event.description,
                location=event.venue,
                url=url,
                recurrence_id=o.recurrence_id,
            )
        )
    return out
