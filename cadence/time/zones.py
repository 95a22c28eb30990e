"""Local wall-clock time to UTC and back, with one documented rule for clock changes.

Everything in the time core is counted in whole minutes since the Unix epoch ("UTC minutes").
A *local minute* is the same count read on a zone's wall clock (minutes since 1970-01-01 00:00
local), which is what a weekly pattern or a recurrence rule speaks in.

The rule for wall times that do not map to exactly one instant (RFC 5545 §3.3.5 and the API
contract agree on it):

* **gap** (clocks jump forward, the wall time is skipped): the wall time resolves to the first
  instant after the gap, i.e. the transition instant itself. London 2025-03-30 01:30 resolves
  to 01:00 UTC (= 02:00 BST).
* **overlap** (clocks fall back, the wall time happens twice): the wall time resolves to its
  first instance, i.e. read with the offset in force before the change. London 2025-10-26
  01:30 resolves to 00:30 UTC (= 01:30 BST).

Why a transition table instead of ``datetime(..., tzinfo=zone)``: the weekly pattern of a
hundred people over a quarter is tens of thousands of edges; the table turns each conversion
into one ``searchsorted`` and a subtraction, vectorised with numpy, while giving exactly the
same answer as the datetime-based definition (the tests check that).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

__all__ = [
    "EPOCH",
    "MINUTE",
    "NaiveDatetimeError",
    "UnknownTimezoneError",
    "ZoneTable",
    "date_to_day",
    "day_to_date",
    "from_minute",
    "get_zone",
    "local_minute",
    "resolve_local",
    "to_minute",
    "zone_table",
]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)  # noqa: DTZ001 - the origin of wall-clock minute counts
MINUTE = timedelta(minutes=1)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_FAR_PAST = -(2**62)
_SAMPLE_STEP = 120  # minutes between offset samples when searching for transitions

IntArray = npt.NDArray[np.int64]


class NaiveDatetimeError(ValueError):
    """A datetime without a timezone reached the time core, where every instant must be exact."""

    def __init__(self, what: str = "datetime") -> None:
        super().__init__(
            f"{what} has no timezone; the time core only accepts timezone-aware datetimes "
            "(attach tzinfo, e.g. datetime(..., tzinfo=UTC) or ZoneInfo('Europe/London'))"
        )


class UnknownTimezoneError(ValueError):
    """The name is not an IANA timezone known to the tz database."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown timezone {name!r}; use an IANA name such as 'Europe/London'")
        self.name = name


@lru_cache(maxsize=1024)
def get_zone(name: str) -> ZoneInfo:
    """Return the ZoneInfo for an IANA name, raising UnknownTimezoneError for anything else."""
    if not name or name != name.strip():
        raise UnknownTimezoneError(name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise UnknownTimezoneError(name) from exc


def to_minute(dt: datetime, what: str = "datetime") -> int:
    """UTC minute of an aware datetime, truncated to the minute; naive datetimes are refused."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise NaiveDatetimeError(what)
    return (dt - EPOCH) // MINUTE


def from_minute(minute: int) -> datetime:
    """The UTC datetime of a UTC minute."""
    return EPOCH + timedelta(minutes=int(minute))


def local_minute(wall: datetime) -> int:
    """Wall-clock minute count of a naive local datetime (its tzinfo, if any, is ignored)."""
    return (wall.replace(tzinfo=None) - _NAIVE_EPOCH) // MINUTE


def date_to_day(d: date) -> int:
    """Days since 1970-01-01 (so ``day * 1440`` is the local minute of that date's midnight)."""
    return d.toordinal() - _EPOCH_ORDINAL


def day_to_date(day: int) -> date:
    return date.fromordinal(int(day) + _EPOCH_ORDINAL)


def _offset_at(zone: ZoneInfo, utc_min: int) -> int:
    off = datetime.fromtimestamp(utc_min * 60, zone).utcoffset()
    assert off is not None
    return int(off.total_seconds() // 60)


@lru_cache(maxsize=4096)
def _year_transitions(key: str, year: int) -> tuple[tuple[int, int, int], ...]:
    """Offset changes ``(utc_minute, offset_before, offset_after)`` with utc_minute in ``year``.

    zoneinfo has no public transition list, so sample the offset every two hours and bisect
    each change down to the minute. No zone changes offset twice within two hours.
    """
    zone = get_zone(key)
    lo = to_minute(datetime(year, 1, 1, tzinfo=UTC))
    hi = to_minute(datetime(year + 1, 1, 1, tzinfo=UTC))
    out: list[tuple[int, int, int]] = []
    prev_t, prev_off = lo, _offset_at(zone, lo)
    t = lo
    while t < hi:
        t = min(t + _SAMPLE_STEP, hi)
        off = _offset_at(zone, t)
        if off != prev_off:
            a, b = prev_t, t  # offset(a) == prev_off, offset(b) == off
            while b - a > 1:
                mid = (a + b) // 2
                if _offset_at(zone, mid) == prev_off:
                    a = mid
                else:
                    b = mid
            out.append((b, prev_off, off))
        prev_t, prev_off = t, off
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ZoneTable:
    """The offset changes of one zone over a span of time, ready for vectorised conversion.

    ``change_at[j]`` is the UTC minute of the j-th change (``change_at[0]`` is a sentinel far
    in the past), ``offsets[j]`` the offset in force from it, and ``local_keys[j-1]`` the wall
    time at which change j happens, read on the old offset.
    """

    name: str
    change_at: IntArray
    offsets: IntArray
    local_keys: IntArray
    shift_keys: IntArray

    def utc_offsets(self, utc: IntArray) -> IntArray:
        """Offset (minutes east of UTC) in force at each UTC minute."""
        idx = np.searchsorted(self.change_at, utc, side="right") - 1
        out: IntArray = self.offsets[idx]
        return out

    def to_local(self, utc: IntArray) -> IntArray:
        return utc + self.utc_offsets(utc)

    def to_utc(self, local: IntArray) -> IntArray:
        """UTC minutes of local wall minutes, gaps forward and overlaps first (module doc).

        With ``i`` the number of changes whose wall time (on the old offset) is at or before
        the local value, ``max(change_at[i], local - offsets[i])`` is: the plain conversion
        away from changes; the transition instant inside a gap; and, inside an overlap, the
        reading on the old offset because the change's old-offset wall time is not yet reached.
        """
        i = np.searchsorted(self.local_keys, local, side="right")
        out: IntArray = np.maximum(self.change_at[i], local - self.offsets[i])
        return out

    def to_utc_shifted(self, local: IntArray) -> IntArray:
        """RFC 5545 §3.3.5 reading: a skipped wall time is read with the offset in force
        before the gap (so it lands the gap's length later); a repeated one takes its first
        instance. This is what every calendar client does with a TZID, so recurrence
        expansion uses it to place occurrences exactly where subscribers will see them.
        """
        i = np.searchsorted(self.shift_keys, local, side="right")
        out: IntArray = local - self.offsets[i]
        return out

    def to_utc_scalar(self, local: int) -> int:
        return int(self.to_utc(np.array([local], dtype=np.int64))[0])


@lru_cache(maxsize=4096)
def _zone_table_years(key: str, first_year: int, last_year: int) -> ZoneTable:
    zone = get_zone(key)
    changes: list[tuple[int, int, int]] = []
    for year in range(first_year, last_year + 1):
        changes.extend(_year_transitions(key, year))
    start = to_minute(datetime(first_year, 1, 1, tzinfo=UTC))
    first_off = changes[0][1] if changes else _offset_at(zone, start)
    change_at = np.array([_FAR_PAST] + [c[0] for c in changes], dtype=np.int64)
    offsets = np.array([first_off] + [c[2] for c in changes], dtype=np.int64)
    local_keys = np.array([c[0] + c[1] for c in changes], dtype=np.int64)
    shift_keys = np.array([c[0] + max(c[1], c[2]) for c in changes], dtype=np.int64)
    return ZoneTable(key, change_at, offsets, local_keys, shift_keys)


def zone_table(zone: str | ZoneInfo, start_min: int, end_min: int) -> ZoneTable:
    """Transition table of ``zone`` valid for UTC (or local) minutes in [start_min, end_min].

    The table covers whole calendar years with a day of margin on both sides, so callers may
    pass either UTC or local minutes; it is cached per zone and year span.
    """
    key = zone if isinstance(zone, str) else zone.key
    first = from_minute(start_min - 2 * 1440).year
    last = from_minute(end_min + 2 * 1440).year
    return _zone_table_years(key, first, last)


def resolve_local(wall: datetime, zone: str | ZoneInfo) -> datetime:
    """The UTC instant of a naive wall-clock datetime in ``zone`` (gap: forward; overlap: first).

    Seconds are truncated: the time core works to the minute.
    """
    loc = local_minute(wall)
    table = zone_table(zone, loc, loc)
    return from_minute(table.to_utc_scalar(loc))


class SkippedLocalTime(ValueError):
    """A wall time the clocks skip (they go forward over it); ``first_valid`` is the first
    wall time after the change."""

    def __init__(self, wall: datetime, zone: str, first_valid: datetime) -> None:
        super().__init__(
            f"{wall:%Y-%m-%d %H:%M} does not exist in {zone}: the clocks go forward then. "
            f"The first time after the change is {first_valid:%H:%M}."
        )
        self.first_valid = first_valid


def typed_instant(wall: datetime, zone: str | ZoneInfo) -> datetime:
    """The UTC instant of a wall time a person typed in ``zone``: a time the clocks repeat is
    its first instance (whatever ``fold`` says); a time they skip raises
    :class:`SkippedLocalTime`, since an instant nobody typed is worse than a question.
    Seconds are kept.
    """
    naive = wall.replace(tzinfo=None, fold=0)
    instant = resolve_local(naive, zone)
    key = zone if isinstance(zone, str) else zone.key
    shown = instant.astimezone(get_zone(key)).replace(tzinfo=None)
    if shown != naive.replace(second=0, microsecond=0):
        raise SkippedLocalTime(naive, key, shown)
    return instant + timedelta(seconds=naive.second, microseconds=naive.microsecond)


def to_local(dt: datetime, zone: str | ZoneInfo) -> datetime:
    """An aware datetime shown in ``zone`` (a convenience that validates awareness)."""
    to_minute(dt)
    return dt.astimezone(get_zone(zone) if isinstance(zone, str) else zone)
