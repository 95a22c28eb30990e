"""Layered availability: a weekly pattern, holiday calendars and dated adjustments → a timeline.

One model serves a band member's usual evenings, a staff contract with time off and a venue's
opening hours:

1. the **weekly pattern** is read in its own IANA zone by local weekday and wall-clock time,
   so "Tuesdays 19:00-22:00" stays 19:00-22:00 local across clock changes. A range edge in a
   skipped hour moves to the first instant after the gap; one in a repeated hour takes its
   first instance (:mod:`cadence.time.zones`). Touching ranges, including ``24:00`` and the
   next day's ``00:00``, form one stretch.
2. **holiday calendars** then mark whole local days (by default unavailable);
3. **adjustments** (the contract's "exceptions") then set a level over a dated range, in
   ascending ``priority`` and, within a priority, in the order given (creation order): where
   they overlap the later one wins. ``unavailable`` removes time, ``available`` and
   ``if_need_be`` set it to that level whatever the pattern said.

The result is a :class:`Timeline`: the time the person can be booked (``free``) and the part
of it that is only ``if_need_be``. A person without a pattern has no weekly availability.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache

import numpy as np

from cadence.time import _kernel as K
from cadence.time.intervals import Interval, IntervalSet
from cadence.time.zones import date_to_day, get_zone, to_minute, zone_table

__all__ = [
    "Adjustment",
    "Availability",
    "HolidayCalendar",
    "InvalidPatternError",
    "Level",
    "Timeline",
    "WeeklyPattern",
    "WeeklyRange",
    "build_timeline",
    "format_hhmm",
    "parse_hhmm",
]

_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
_CODES = {"unavailable": 0, "available": 1, "if_need_be": 2}


class Level(StrEnum):
    AVAILABLE = "available"
    IF_NEED_BE = "if_need_be"
    UNAVAILABLE = "unavailable"


class InvalidPatternError(ValueError):
    """A weekly pattern the contract rejects (422): unknown zone, inverted or overlapping range."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def parse_hhmm(text: str) -> int:
    """Minute of day of ``"HH:MM"``; ``"24:00"`` is 1440, the end of the day."""
    m = _HHMM.match(text)
    if not m or (m.group(1) == "24" and m.group(2) != "00"):
        raise ValueError(f"not a local time 'HH:MM' (00:00-24:00): {text!r}")
    return int(m.group(1)) * 60 + int(m.group(2))


def format_hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True, slots=True)
class WeeklyRange:
    """One local range on one weekday (0 = Monday … 6 = Sunday), minutes of day, end ≤ 1440."""

    weekday: int
    start: int
    end: int
    level: Level = Level.AVAILABLE

    @classmethod
    def parse(cls, weekday: int, start: str, end: str, level: str = "available") -> WeeklyRange:
        return cls(weekday, parse_hhmm(start), parse_hhmm(end), Level(level))


@dataclass(frozen=True, slots=True)
class WeeklyPattern:
    """A weekly pattern in one IANA zone; validated as the contract demands (422 on error)."""

    timezone: str
    ranges: tuple[WeeklyRange, ...]

    def __post_init__(self) -> None:
        try:
            get_zone(self.timezone)
        except ValueError as exc:
            raise InvalidPatternError("timezone", str(exc)) from None
        by_day: dict[int, list[WeeklyRange]] = defaultdict(list)
        for i, r in enumerate(self.ranges):
            where = f"weekly[{i}]"
            if not 0 <= r.weekday <= 6:
                raise InvalidPatternError(where, "weekday must be 0 (Monday) to 6 (Sunday)")
            if r.level not in (Level.AVAILABLE, Level.IF_NEED_BE):
                raise InvalidPatternError(where, "level must be available or if_need_be")
            if not (0 <= r.start < r.end <= 1440):
                raise InvalidPatternError(where, "start must be before end, within 00:00-24:00")
            by_day[r.weekday].append(r)
        for day in by_day.values():
            day.sort(key=lambda r: r.start)
            for a, b in itertools.pairwise(day):
                if b.start < a.end:
                    i = self.ranges.index(b)
                    raise InvalidPatternError(f"weekly[{i}]", "overlaps another range that day")


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A dated override of the pattern (an availability exception). Later ones win."""

    start: datetime
    end: datetime
    level: Level
    priority: int = 0
    start_minute: int = field(init=False, repr=False, compare=False)
    end_minute: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        s, e = to_minute(self.start, "adjustment start"), to_minute(self.end, "adjustment end")
        if e < s:
            raise ValueError("adjustment ends before it starts")
        object.__setattr__(self, "level", Level(self.level))
        object.__setattr__(self, "start_minute", s)
        object.__setattr__(self, "end_minute", e)


@dataclass(frozen=True, slots=True)
class HolidayCalendar:
    """Whole local days in a zone that get ``level`` (closed/unavailable by default)."""

    name: str
    timezone: str
    dates: frozenset[date]
    level: Level = Level.UNAVAILABLE


@dataclass(frozen=True, slots=True)
class Availability:
    """Every layer of one person or resource, in the order they apply."""

    pattern: WeeklyPattern | None
    holidays: tuple[HolidayCalendar, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()


@dataclass(frozen=True, slots=True)
class Timeline:
    """The merged result: ``free`` (any level) and ``if_need_be`` (a subset of ``free``)."""

    window: Interval
    free: IntervalSet
    if_need_be: IntervalSet

    @property
    def available(self) -> IntervalSet:
        """Time at level ``available`` only."""
        return self.free - self.if_need_be


# --------------------------------------------------------------------------- batch engine


@lru_cache(maxsize=256)
def _holiday_spans(cal: HolidayCalendar, ws: int, we: int) -> tuple[tuple[int, int, int], ...]:
    table = zone_table(cal.timezone, ws, we)
    out = []
    for d in sorted(cal.dates):
        day = date_to_day(d)
        s, e = table.to_utc_scalar(day * 1440), table.to_utc_scalar((day + 1) * 1440)
        if s < we and e > ws:
            out.append((s, e, _CODES[cal.level]))
    return tuple(out)


def _overrides(av: Availability, ws: int, we: int) -> list[tuple[int, int, int]]:
    """Holiday days then adjustments by priority: one list in the order they apply."""
    out: list[tuple[int, int, int]] = []
    for cal in av.holidays:
        out.extend(_holiday_spans(cal, ws, we))
    adj = av.adjustments
    if any(a.priority for a in adj):
        adj = tuple(sorted(adj, key=lambda a: a.priority))
    out.extend(
        (a.start_minute, a.end_minute, _CODES[a.level])
        for a in adj
        if a.start_minute < we and a.end_minute > ws and a.end_minute > a.start_minute
    )
    return out


def _paint(
    xs: K.IntArray, xe: K.IntArray, lvl: K.IntArray
) -> tuple[K.IntArray, K.IntArray, K.IntArray]:
    """Resolve overlapping overrides so the one applied last wins; returns disjoint pieces.

    Overrides are given in apply order (person after person on the shared line). Every
    elementary segment between override boundaries takes the level of the last override
    covering it: one ``maximum.at`` over the (segment, override) incidences, for everybody.
    """
    if len(xs) == 0:
        return xs, xe, lvl
    order = np.argsort(xs, kind="stable")
    if not (xs[order][1:] < np.maximum.accumulate(xe[order])[:-1]).any():
        return xs, xe, lvl  # nothing overlaps: every override stands as given
    pts = np.unique(np.concatenate((xs, xe)))
    si = np.searchsorted(pts, xs)
    n = np.searchsorted(pts, xe) - si
    total = int(n.sum())
    item = np.repeat(np.arange(len(xs), dtype=np.int64), n)
    seg = np.repeat(si, n) + (np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(n) - n, n))
    winner = np.full(len(pts), -1, dtype=np.int64)
    np.maximum.at(winner, seg, item)
    j = np.flatnonzero(winner >= 0)
    return pts[j], pts[j + 1], lvl[winner[j]]


def _weekly_batch(
    patterns: Sequence[WeeklyPattern | None], ws: int, we: int, stride: int
) -> tuple[K.Spans, K.Spans]:
    """Expand every pattern over [ws, we) onto the shared line (see :mod:`._kernel`)."""
    groups: dict[str, list[tuple[int, WeeklyRange]]] = defaultdict(list)
    for p, pat in enumerate(patterns):
        if pat is not None:
            for r in pat.ranges:
                groups[pat.timezone].append((p, r))
    days = np.arange(ws // 1440 - 1, we // 1440 + 2, dtype=np.int64)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday
    out_s: list[list[K.IntArray]] = [[], []]
    out_e: list[list[K.IntArray]] = [[], []]
    for zone, rows in groups.items():
        table = zone_table(zone, ws, we)
        rp = np.array([p for p, _ in rows], dtype=np.int64)
        rw = np.array([r.weekday for _, r in rows], dtype=np.int64)
        rs = np.array([r.start for _, r in rows], dtype=np.int64)
        re_ = np.array([r.end for _, r in rows], dtype=np.int64)
        rl = np.array([r.level == Level.IF_NEED_BE for _, r in rows], dtype=np.int64)
        for w in range(7):
            sel = rw == w
            if not sel.any():
                continue
            dl = days[weekday == w] * 1440
            ls = (dl[None, :] + rs[sel][:, None]).ravel()
            le = (dl[None, :] + re_[sel][:, None]).ravel()
            owner = np.repeat(rp[sel], len(dl))
            lvl = np.repeat(rl[sel], len(dl))
            us = np.clip(table.to_utc(ls), ws, we)
            ue = np.clip(table.to_utc(le), ws, we)
            keep = ue > us
            base = owner * stride - ws
            for code in (0, 1):
                k = keep & (lvl == code)
                out_s[code].append((us + base)[k])
                out_e[code].append((ue + base)[k])
    res = []
    for code in (0, 1):
        if out_s[code]:
            res.append((np.concatenate(out_s[code]), np.concatenate(out_e[code])))
        else:
            res.append(K.EMPTY)
    return res[0], res[1]


def layer_batch(
    layers: Sequence[Availability],
    ws: int,
    we: int,
    stride: int,
    busy: K.Spans = K.EMPTY,
) -> tuple[K.Spans, K.Spans, K.Spans]:
    """Everybody's merged time over [ws, we) on the shared line (see :mod:`._kernel`).

    Returns ``(free, if_need_be, free minus busy)``; ``busy`` (already on the shared line)
    is folded into the same sweep because find-a-time needs exactly that difference.
    """
    avail, ifnb = _weekly_batch([a.pattern for a in layers], ws, we, stride)
    es: list[int] = []
    ee: list[int] = []
    el: list[int] = []
    for p, av in enumerate(layers):
        if not av.holidays and not av.adjustments:
            continue
        base = p * stride - ws
        for s, e, lvl in _overrides(av, ws, we):
            es.append(max(s, ws) + base)
            ee.append(min(e, we) + base)
            el.append(lvl)
    xs, xe = K.spans(es, ee)
    xs, xe, lv = _paint(xs, xe, np.array(el, dtype=np.int64))
    every = (xs, xe)
    e_av = (xs[lv == 1], xe[lv == 1])
    e_nb = (xs[lv == 2], xe[lv == 2])
    seg, (ca, cn, cx, cav, cnb, cb) = K.sweep([avail, ifnb, every, e_av, e_nb, busy])
    free = np.where(cx, cav | cnb, ca | cn)
    nb = np.where(cx, cnb, cn)
    return K.runs(seg, free), K.runs(seg, nb), K.runs(seg, free & ~cb)


def build_timeline(availability: Availability, window: Interval) -> Timeline:
    """Merge one person's layers over ``window`` into a :class:`Timeline`."""
    ws, we = window.start_minute, window.end_minute
    stride = we - ws + 2
    free, nb, _ = layer_batch([availability], ws, we, stride)

    def to_set(sp: K.Spans) -> IntervalSet:
        return IntervalSet.from_spans(
            (int(a) + ws, int(b) + ws) for a, b in zip(sp[0], sp[1], strict=True)
        )

    return Timeline(window, to_set(free), to_set(nb))
