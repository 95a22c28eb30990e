"""Opening hours of a venue, evaluated with the pure time core (no database here).

The weekly hours are local wall-clock ranges in the venue's IANA zone; a range whose end is
not after its start runs past midnight (Friday 20:00-04:00 is Friday 20:00-24:00 plus
Saturday 00:00-04:00), so clubs are expressed naturally. Dated exceptions are layered on
top as `cadence.time.layers` adjustments, in the order they were created (later wins).

A venue's *service day* runs from 06:00 local to 06:00 the next morning, so a club night
that goes on past midnight belongs to the date it started on (floor view, alternatives,
exceptions): a closed day removes the whole service day, after-midnight hours included;
special hours remove it and then open `opens`-`closes` (past midnight when
`closes <= opens`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from cadence.time.intervals import Interval, IntervalSet
from cadence.time.layers import (
    Adjustment,
    Availability,
    InvalidPatternError,
    Level,
    WeeklyPattern,
    WeeklyRange,
    build_timeline,
    parse_hhmm,
)
from cadence.time.zones import get_zone, resolve_local

DAY_STARTS = time(6, 0)


@dataclass(frozen=True, slots=True)
class HoursEntry:
    weekday: int
    start: str
    end: str


@dataclass(frozen=True, slots=True)
class DayException:
    day: date
    closed: bool
    opens: str | None = None
    closes: str | None = None


def weekly_ranges(entries: Iterable[HoursEntry]) -> tuple[WeeklyRange, ...]:
    """Local ranges for the time core, splitting those that run past midnight.

    Raises ValueError (bad "HH:MM" or weekday) or InvalidPatternError (overlaps) later.
    """
    out: list[WeeklyRange] = []
    for e in entries:
        if not 0 <= e.weekday <= 6:
            raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
        start, end = parse_hhmm(e.start), parse_hhmm(e.end)
        if start == 1440:
            raise ValueError("an opening cannot start at 24:00")
        if end > start:
            out.append(WeeklyRange(e.weekday, start, end))
        else:
            out.append(WeeklyRange(e.weekday, start, 1440))
            if end > 0:
                out.append(WeeklyRange((e.weekday + 1) % 7, 0, end))
    return tuple(out)


def pattern(timezone: str, entries: Iterable[HoursEntry]) -> WeeklyPattern:
    """The weekly pattern; InvalidPatternError for an unknown zone or overlapping ranges."""
    return WeeklyPattern(timezone, weekly_ranges(entries))


def local_instant(day: date, hhmm: str, timezone: str) -> datetime:
    """The UTC instant of a local date and "HH:MM" ("24:00" is the next midnight)."""
    minute = parse_hhmm(hhmm)
    wall = datetime.combine(day, time(0)) + timedelta(minutes=minute)
    return resolve_local(wall, timezone)


def resolve_wall(wall: datetime, timezone: str) -> datetime:
    """The UTC instant of a naive local wall time (gap: forward; overlap: first instance)."""
    return resolve_local(wall, timezone)


def _adjustments(timezone: str, exceptions: Sequence[DayException]) -> tuple[Adjustment, ...]:
    out: list[Adjustment] = []
    for ex in exceptions:
        day_start, day_end = service_day(ex.day, timezone)
        out.append(Adjustment(day_start, day_end, Level.UNAVAILABLE))
        if not ex.closed and ex.opens and ex.closes:
            opens = local_instant(ex.day, ex.opens, timezone)
            overnight = parse_hhmm(ex.closes) <= parse_hhmm(ex.opens)
            closes_day = ex.day + timedelta(days=1) if overnight else ex.day
            closes = local_instant(closes_day, ex.closes, timezone)
            out.append(Adjustment(opens, closes, Level.AVAILABLE))
    return tuple(out)


def open_time(
    timezone: str,
    entries: Sequence[HoursEntry],
    exceptions: Sequence[DayException],
    window: Interval,
) -> IntervalSet:
    """When the venue is open within `window` (UTC minutes), exceptions applied."""
    availability = Availability(
        pattern=pattern(timezone, entries), adjustments=_adjustments(timezone, exceptions)
    )
    return build_timeline(availability, window).free


def service_day(day: date, timezone: str) -> tuple[datetime, datetime]:
    """The UTC bounds of a service day: 06:00 local to 06:00 local the next day."""
    start = local_instant(day, DAY_STARTS.strftime("%H:%M"), timezone)
    end = local_instant(day + timedelta(days=1), DAY_STARTS.strftime("%H:%M"), timezone)
    return start, end


def service_date_of(instant: datetime, timezone: str) -> date:
    """The service day an instant belongs to (before 06:00 local counts as the day before)."""
    local = instant.astimezone(get_zone(timezone))
    return (local - timedelta(hours=DAY_STARTS.hour, minutes=DAY_STARTS.minute)).date()


__all__ = [
    "DAY_STARTS",
    "DayException",
    "HoursEntry",
    "InvalidPatternError",
    "local_instant",
    "open_time",
    "pattern",
    "resolve_wall",
    "service_date_of",
    "service_day",
    "weekly_ranges",
]
