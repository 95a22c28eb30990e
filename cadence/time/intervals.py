"""Immutable sets of half-open time intervals at minute precision.

An :class:`IntervalSet` is a sorted tuple of disjoint, non-touching ``[start, end)`` pairs of
UTC minutes (see :mod:`cadence.time.zones`). Keeping it normalised at construction makes every
operation a single linear merge and makes equality structural: two sets are equal exactly when
they cover the same minutes. Half-open intervals are what lets a meeting start the minute
another ends, and what makes "touching ranges count as one" fall out of normalisation.

Datetimes cross the boundary in both directions; naive ones are refused with
:class:`~cadence.time.zones.NaiveDatetimeError`, and seconds are truncated to the minute.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from cadence.time.zones import (
    MINUTE,
    IntArray,
    day_to_date,
    from_minute,
    get_zone,
    to_minute,
    zone_table,
)

__all__ = ["Interval", "IntervalSet", "Span"]

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open ``[start, end)`` interval of aware datetimes (stored as UTC minutes)."""

    start_minute: int
    end_minute: int

    def __post_init__(self) -> None:
        if self.end_minute < self.start_minute:
            raise ValueError("interval end is before its start")

    @classmethod
    def of(cls, start: datetime, end: datetime) -> Interval:
        """Interval from aware datetimes; raises NaiveDatetimeError or ValueError if inverted."""
        return cls(to_minute(start, "interval start"), to_minute(end, "interval end"))

    @property
    def start(self) -> datetime:
        return from_minute(self.start_minute)

    @property
    def end(self) -> datetime:
        return from_minute(self.end_minute)

    @property
    def duration(self) -> timedelta:
        return (self.end_minute - self.start_minute) * MINUTE

    def __bool__(self) -> bool:
        return self.end_minute > self.start_minute

    def overlaps(self, other: Interval) -> bool:
        return self.start_minute < other.end_minute and other.start_minute < self.end_minute

    def contains(self, instant: datetime) -> bool:
        m = to_minute(instant)
        return self.start_minute <= m < self.end_minute


def _normalise(spans: Iterable[Span]) -> tuple[Span, ...]:
    out: list[Span] = []
    for s, e in sorted(sp for sp in spans if sp[1] > sp[0]):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return tuple(out)


class IntervalSet:
    """An immutable, normalised set of half-open minute intervals. Hashable and comparable."""

    __slots__ = ("_spans",)
    _spans: tuple[Span, ...]

    def __init__(self, intervals: Iterable[Interval] = ()) -> None:
        self._spans = _normalise((i.start_minute, i.end_minute) for i in intervals)

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_spans(cls, spans: Iterable[Span]) -> IntervalSet:
        """From ``(start_minute, end_minute)`` pairs in any order, overlapping or not."""
        obj = cls.__new__(cls)
        obj._spans = _normalise(spans)
        return obj

    @classmethod
    def _trusted(cls, spans: Sequence[Span]) -> IntervalSet:
        obj = cls.__new__(cls)
        obj._spans = tuple(spans)
        return obj

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[datetime, datetime]]) -> IntervalSet:
        return cls(Interval.of(s, e) for s, e in pairs)

    @classmethod
    def span(cls, start: datetime, end: datetime) -> IntervalSet:
        return cls((Interval.of(start, end),))

    # -- views --------------------------------------------------------------------------
    @property
    def spans(self) -> tuple[Span, ...]:
        return self._spans

    def __iter__(self) -> Iterator[Interval]:
        return (Interval(s, e) for s, e in self._spans)

    def __len__(self) -> int:
        return len(self._spans)

    def __bool__(self) -> bool:
        return bool(self._spans)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IntervalSet) and self._spans == other._spans

    def __hash__(self) -> int:
        return hash(self._spans)

    def __repr__(self) -> str:
        inner = ", ".join(
            f"{from_minute(s):%Y-%m-%dT%H:%MZ}/{from_minute(e):%Y-%m-%dT%H:%MZ}"
            for s, e in self._spans
        )
        return f"IntervalSet([{inner}])"

    @property
    def duration(self) -> timedelta:
        """Total time covered."""
        return sum((e - s for s, e in self._spans), 0) * MINUTE

    @property
    def bounds(self) -> Interval | None:
        if not self._spans:
            return None
        return Interval(self._spans[0][0], self._spans[-1][1])

    # -- algebra ------------------------------------------------------------------------
    def __or__(self, other: IntervalSet) -> IntervalSet:
        return self.union(other)

    def __and__(self, other: IntervalSet) -> IntervalSet:
        return self.intersection(other)

    def __sub__(self, other: IntervalSet) -> IntervalSet:
        return self.difference(other)

    def union(self, *others: IntervalSet) -> IntervalSet:
        spans: list[Span] = list(self._spans)
        for o in others:
            spans.extend(o._spans)
        return IntervalSet.from_spans(spans)

    def intersection(self, other: IntervalSet) -> IntervalSet:
        a, b = self._spans, other._spans
        i = j = 0
        out: list[Span] = []
        while i < len(a) and j < len(b):
            s = max(a[i][0], b[j][0])
            e = min(a[i][1], b[j][1])
            if s < e:
                out.append((s, e))
            if a[i][1] < b[j][1]:
                i += 1
            else:
                j += 1
        return IntervalSet._trusted(out)

    def difference(self, other: IntervalSet) -> IntervalSet:
        out: list[Span] = []
        b = other._spans
        j = 0
        for s, e in self._spans:
            while j < len(b) and b[j][1] <= s:
                j += 1
            k = j
            cur = s
            while k < len(b) and b[k][0] < e:
                if b[k][0] > cur:
                    out.append((cur, b[k][0]))
                cur = max(cur, b[k][1])
                k += 1
            if cur < e:
                out.append((cur, e))
        return IntervalSet._trusted(out)

    def complement(self, window: Interval) -> IntervalSet:
        """The parts of ``window`` this set does not cover."""
        return IntervalSet._trusted(((window.start_minute, window.end_minute),)) - self

    def clip(self, window: Interval) -> IntervalSet:
        return self & IntervalSet._trusted(((window.start_minute, window.end_minute),))

    def expand(
        self, before: timedelta = timedelta(0), after: timedelta = timedelta(0)
    ) -> IntervalSet:
        """Grow every interval (a buffer before and after each busy block), merging as needed."""
        b, a = before // MINUTE, after // MINUTE
        return IntervalSet.from_spans((s - b, e + a) for s, e in self._spans)

    # -- queries ------------------------------------------------------------------------
    def _index(self, minute: int) -> int:
        """Index of the last span starting at or before ``minute`` (-1 if none)."""
        lo, hi = 0, len(self._spans)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._spans[mid][0] <= minute:
                lo = mid + 1
            else:
                hi = mid
        return lo - 1

    def contains(self, instant: datetime) -> bool:
        m = to_minute(instant)
        i = self._index(m)
        return i >= 0 and m < self._spans[i][1]

    def __contains__(self, instant: object) -> bool:
        return isinstance(instant, datetime) and self.contains(instant)

    def covers(self, interval: Interval) -> bool:
        """True when the whole interval lies inside one span of the set."""
        if not interval:
            return True
        i = self._index(interval.start_minute)
        return i >= 0 and interval.end_minute <= self._spans[i][1]

    def overlaps(self, interval: Interval) -> bool:
        i = self._index(interval.end_minute - 1)
        return bool(interval) and i >= 0 and self._spans[i][1] > interval.start_minute

    def overlapping(self, interval: Interval) -> IntervalSet:
        return self & IntervalSet._trusted(((interval.start_minute, interval.end_minute),))

    def by_day(self, zone: str | ZoneInfo) -> Iterator[tuple[date, IntervalSet]]:
        """Split at local midnights of ``zone``: yields each local date with its part of the set.

        Days on which the set is empty are skipped. Midnight is resolved with the gap/overlap
        rule of :mod:`cadence.time.zones`, so a day is never split twice.
        """
        if not self._spans:
            return
        z = get_zone(zone) if isinstance(zone, str) else zone
        first, last = self._spans[0][0], self._spans[-1][1]
        table = zone_table(z.key, first - 1440, last + 1440)
        first_day = int(table.to_local(_arr(first))[0]) // 1440
        last_day = int(table.to_local(_arr(last - 1))[0]) // 1440
        for day in range(first_day, last_day + 1):
            lo = table.to_utc_scalar(day * 1440)
            hi = table.to_utc_scalar((day + 1) * 1440)
            part = self & IntervalSet._trusted(((lo, hi),))
            if part:
                yield day_to_date(day), part


def _arr(v: int) -> IntArray:
    return np.array([v], dtype=np.int64)
