"""Slow, obviously-correct reference implementations the fast core is checked against.

They use only zoneinfo/datetime and the pure-Python IntervalSet, never the numpy kernels.
"""
# ruff: noqa: DTZ001 - naive datetimes here are wall-clock times on purpose

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from cadence.time.findtime import Person
from cadence.time.intervals import Interval, IntervalSet
from cadence.time.layers import Availability, Level
from cadence.time.zones import to_minute


def ref_resolve(wall: datetime, zone: str) -> datetime:
    """Wall time → UTC: an existing time takes fold=0 (the first instance); a skipped time
    takes the first instant after the gap, found by walking minute by minute."""
    z = ZoneInfo(zone)
    first = wall.replace(tzinfo=z, fold=0).astimezone(UTC)
    if first.astimezone(z).replace(tzinfo=None) == wall:
        return first
    t = wall.replace(tzinfo=z, fold=1).astimezone(UTC)  # before the transition
    before = t.astimezone(z).utcoffset()
    while t.astimezone(z).utcoffset() == before:
        t += timedelta(minutes=1)
    return t


def ref_timeline(av: Availability, window: Interval) -> tuple[IntervalSet, IntervalSet]:
    """(free, if_need_be) by expanding day by day with datetime and painting with IntervalSet."""
    avail, nb = IntervalSet(), IntervalSet()
    if av.pattern is not None:
        zone = av.pattern.timezone
        first = (window.start - timedelta(days=2)).date()
        last = (window.end + timedelta(days=2)).date()
        d = first
        while d <= last:
            for r in av.pattern.ranges:
                if r.weekday != d.weekday():
                    continue
                midnight = datetime(d.year, d.month, d.day)
                s = ref_resolve(midnight + timedelta(minutes=r.start), zone)
                e = ref_resolve(midnight + timedelta(minutes=r.end), zone)
                if e > s:
                    part = IntervalSet.span(s, e)
                    if r.level == Level.IF_NEED_BE:
                        nb = nb | part
                    else:
                        avail = avail | part
            d += timedelta(days=1)
    overrides: list[tuple[IntervalSet, Level]] = []
    for cal in av.holidays:
        for day in sorted(cal.dates):
            midnight = datetime(day.year, day.month, day.day)
            s = ref_resolve(midnight, cal.timezone)
            e = ref_resolve(midnight + timedelta(days=1), cal.timezone)
            overrides.append((IntervalSet.span(s, e), cal.level))
    for a in sorted(av.adjustments, key=lambda a: a.priority):
        overrides.append((IntervalSet.span(a.start, a.end), a.level))
    for part, level in overrides:
        avail, nb = avail - part, nb - part
        if level == Level.AVAILABLE:
            avail = avail | part
        elif level == Level.IF_NEED_BE:
            nb = nb | part
    w = IntervalSet.from_spans([(window.start_minute, window.end_minute)])
    return (avail | nb) & w, nb & w


@dataclass(frozen=True)
class RefSlot:
    start: datetime
    available: tuple[str, ...]
    if_need_be: tuple[str, ...]
    unavailable: tuple[str, ...]


def ref_find(
    people: list[Person],
    required: list[str],
    optional: list[str],
    duration: timedelta,
    ws: datetime,
    we: datetime,
    granularity: timedelta,
    min_attendees: int,
    limit: int,
) -> list[RefSlot]:
    """The contract read literally: every slot of the grid, every person, one by one."""
    by_id = {p.user_id: p for p in people}
    asked = list(dict.fromkeys(required + [u for u in optional if u not in required]))
    window = Interval.of(ws, we)
    tl = {u: ref_timeline(by_id[u].availability, window) for u in asked}
    busy = {
        u: IntervalSet.from_spans((b.start_minute, b.end_minute) for b in by_id[u].busy)
        for u in asked
    }
    slots: list[tuple[int, int, int, RefSlot]] = []
    start = ws
    while start + duration <= we:
        iv = Interval.of(start, start + duration)
        can = tuple(u for u in asked if tl[u][0].covers(iv) and not busy[u].overlaps(iv))
        nb = tuple(u for u in can if tl[u][1].overlaps(iv))
        if all(u in can for u in required) and len(can) >= min_attendees:
            rest = tuple(u for u in asked if u not in can)
            slots.append((-len(can), len(nb), to_minute(start), RefSlot(start, can, nb, rest)))
        start += granularity
    slots.sort(key=lambda t: t[:3])
    return [s[3] for s in slots[:limit]]


def day(y: int, m: int, d: int) -> date:
    return date(y, m, d)
