"""Find-a-time: rank candidate slots for a group, each slot explaining itself.

The semantics are the public contract's ("Availability and find-a-time"), to the letter:

* Times are half-open. A person **can come** to a slot when the whole slot lies inside their
  availability (weekly pattern in their own zone, then holidays and exceptions; see
  :mod:`cadence.time.layers`) and it overlaps none of their busy time.
* ``available`` lists everyone who can come; ``if_need_be`` the subset of them for whom part of
  the slot lies in ``if_need_be`` time; ``unavailable`` everyone else who was asked, with a
  stable machine-readable reason (:class:`Reason`) and an optional human detail (the title of
  the busy event).
* A slot is listed only if every required person can come, at least ``min_attendees`` people
  (required and optional together) can come, and every role need is covered.
* Order: more people who can come first; then fewer of them ``if_need_be``; then earlier.
* Slots start on the granularity grid counted from ``window_start`` and end by ``window_end``.

Beyond the contract (all off by default): :class:`SlotRules` (earliest/latest local time of
day and allowed weekdays in a zone, minimum notice before ``now``, buffers around busy time)
and :class:`RoleNeed` ("one drummer and one bassist").

How it stays fast: each person's free and if-need-be time is merged once over the window for
everybody at once, then every slot of the grid is answered with difference arrays
(:mod:`cadence.time._kernel`), never slot by person in Python. Only the returned slots are
explained person by person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum

import numpy as np

from cadence.time import _kernel as K
from cadence.time.layers import Availability, Level, WeeklyPattern, WeeklyRange, layer_batch
from cadence.time.zones import MINUTE, NaiveDatetimeError, from_minute, to_minute

__all__ = [
    "MAX_LIMIT",
    "MAX_WINDOW",
    "Busy",
    "FindTimeError",
    "Person",
    "Reason",
    "RoleNeed",
    "Slot",
    "SlotRules",
    "Unavailable",
    "find_a_time",
]

MAX_WINDOW = timedelta(days=366)
MAX_LIMIT = 100


class FindTimeError(ValueError):
    """An invalid find-a-time request (the API answers 422 naming ``field``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Reason(StrEnum):
    """Why someone cannot come; stable slugs that clients may switch on."""

    BUSY = "busy"  # the slot overlaps one of their busy events (detail: its title)
    BUFFER = "buffer"  # free, but a busy event is within the requested buffer
    OUTSIDE_AVAILABILITY = "outside_availability"  # not wholly inside their available time
    NO_AVAILABILITY = "no_availability"  # has set no availability at all (no pattern ranges)


@dataclass(frozen=True, slots=True)
class Busy:
    """Busy time: an imported occurrence or a Cadence event the person attends.

    Minutes are rounded outwards (start down, end up), so busy time is never shortened.
    """

    start: datetime
    end: datetime
    title: str | None = None
    source: str | None = None
    start_minute: int = field(init=False, repr=False, compare=False)
    end_minute: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Tens of thousands of these are built per request, so this is kept lean.
        start, end = self.start, self.end
        if start.utcoffset() is None:
            raise NaiveDatetimeError("busy start")
        if end.utcoffset() is None:
            raise NaiveDatetimeError("busy end")
        s, e = start.timestamp(), end.timestamp()
        if e < s:
            raise ValueError("busy time ends before it starts")
        object.__setattr__(self, "start_minute", int(s // 60))
        object.__setattr__(self, "end_minute", -int(-e // 60))

    @classmethod
    def from_minutes(
        cls,
        start_minute: int,
        end_minute: int,
        title: str | None = None,
        source: str | None = None,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> Busy:
        """Busy time stored as whole UTC minutes (as the database keeps imported time).

        Skips the datetime checks of the constructor, which dominate when tens of
        thousands are read per request; ``start``/``end`` may pass shared datetimes of
        those minutes (UTC), else they are computed.
        """
        if end_minute < start_minute:
            raise ValueError("busy time ends before it starts")
        busy = object.__new__(cls)
        setattr_ = object.__setattr__
        setattr_(busy, "start", start if start is not None else from_minute(start_minute))
        setattr_(busy, "end", end if end is not None else from_minute(end_minute))
        setattr_(busy, "title", title)
        setattr_(busy, "source", source)
        setattr_(busy, "start_minute", start_minute)
        setattr_(busy, "end_minute", end_minute)
        return busy


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who may be asked: their availability layers, busy time and roles."""

    user_id: str
    availability: Availability
    busy: tuple[Busy, ...] = ()
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RoleNeed:
    """At least ``count`` people holding ``role`` must be able to come."""

    role: str
    count: int = 1


@dataclass(frozen=True, slots=True)
class SlotRules:
    """Optional constraints on the slot itself (not part of the public contract's defaults).

    ``earliest``/``latest`` and ``weekdays`` are read in ``timezone`` (``latest=None`` means
    midnight at the end of the day); a slot must lie wholly inside an allowed local stretch.
    ``min_notice`` needs ``now``. Buffers require the person to be free of busy time that long
    before and after the slot.
    """

    timezone: str = "UTC"
    earliest: time | None = None
    latest: time | None = None
    weekdays: frozenset[int] | None = None
    min_notice: timedelta = timedelta(0)
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)

    @property
    def restricts_time_of_day(self) -> bool:
        return self.earliest is not None or self.latest is not None or self.weekdays is not None


@dataclass(frozen=True, slots=True)
class Unavailable:
    user_id: str
    reason: Reason
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    available: tuple[str, ...]
    if_need_be: tuple[str, ...]
    unavailable: tuple[Unavailable, ...]


def _minutes(value: timedelta, name: str, *, positive: bool) -> int:
    m = value // MINUTE
    if m * MINUTE != value or m < 0 or (positive and m == 0):
        kind = "a positive" if positive else "a non-negative"
        raise FindTimeError(name, f"must be {kind} whole number of minutes")
    return m


def _rules_pattern(rules: SlotRules) -> WeeklyPattern:
    lo = 0 if rules.earliest is None else rules.earliest.hour * 60 + rules.earliest.minute
    hi = 1440 if rules.latest is None else rules.latest.hour * 60 + rules.latest.minute
    if hi <= lo:
        raise FindTimeError("rules.latest", "must be after rules.earliest")
    days = range(7) if rules.weekdays is None else sorted(rules.weekdays)
    if not all(0 <= d <= 6 for d in days):
        raise FindTimeError("rules.weekdays", "weekdays are 0 (Monday) to 6 (Sunday)")
    return WeeklyPattern(rules.timezone, tuple(WeeklyRange(d, lo, hi) for d in days))


@dataclass(slots=True)
class _Grid:
    """Everybody's answers on the slot grid, as per-person ranges of slot indices."""

    ws: int
    stride: int
    step: int
    length: int
    n_slots: int
    can: K.Ranges  # slots each person can come to
    can_nb: K.Ranges  # ... of which part is if_need_be time
    free: K.Spans
    usable: K.Spans
    nb: K.Spans
    busy_s: K.IntArray
    busy_e: K.IntArray
    busy_off: K.IntArray
    busy_owner: K.IntArray
    before: int
    after: int

    def column(self, k: int, n: int) -> tuple[K.BoolArray, K.BoolArray]:
        """Who can come to slot ``k``, and who of them only if need be."""
        x = np.arange(n, dtype=np.int64) * self.stride + k * self.step
        can = K.inside_points(self.usable, x, self.length)
        return can, can & K.hits_points(self.nb, x, self.length)


def _busy_arrays(people: Sequence[Person]) -> tuple[K.IntArray, K.IntArray, K.IntArray]:
    starts: list[int] = []
    ends: list[int] = []
    counts = [0]
    for person in people:
        starts.extend([b.start_minute for b in person.busy])
        ends.extend([b.end_minute for b in person.busy])
        counts.append(len(person.busy))
    offsets = np.cumsum(np.array(counts, dtype=np.int64))
    return np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64), offsets


def _grid(
    people: Sequence[Person], ws: int, we: int, step: int, length: int, rules: SlotRules
) -> _Grid:
    n, stride = len(people), we - ws + 2
    n_slots = max(0, (we - ws - length) // step + 1)
    bs, be, off = _busy_arrays(people)
    owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(off))
    before = _minutes(rules.buffer_before, "rules.buffer_before", positive=False)
    after = _minutes(rules.buffer_after, "rules.buffer_after", positive=False)
    # A slot with buffers [s - before, e + after) misses busy [a, b) exactly when the slot
    # itself misses [a - after, b + before): grow the busy time instead of every slot.
    busy = (
        np.clip(bs - after, ws, we) + owner * stride - ws,
        np.clip(be + before, ws, we) + owner * stride - ws,
    )
    free, nb, usable = layer_batch([p.availability for p in people], ws, we, stride, busy)
    can = K.slot_ranges(usable, stride, n_slots, step, length, inside=True)
    hit_nb = K.slot_ranges(nb, stride, n_slots, step, length, inside=False)
    can_nb = K.intersect_ranges(can, hit_nb, n_slots)
    return _Grid(
        ws, stride, step, length, n_slots, can, can_nb, free, usable, nb, bs, be, off, owner,
        before, after,
    )  # fmt: skip


def _never_available(av: Availability) -> bool:
    """No weekly ranges and no exception that adds time: the person never set availability."""
    if av.pattern is not None and av.pattern.ranges:
        return False
    if any(a.level != Level.UNAVAILABLE for a in av.adjustments):
        return False
    return all(c.level == Level.UNAVAILABLE or not c.dates for c in av.holidays)


def _first_per_owner(hits: K.IntArray, owner: K.IntArray, start: K.IntArray) -> dict[int, int]:
    """For busy indices ``hits``: each owner's earliest-starting one."""
    if len(hits) == 0:
        return {}
    order = np.lexsort((start[hits], owner[hits]))
    ordered = hits[order]
    own = owner[ordered]
    first = np.ones(len(own), dtype=np.bool_)
    first[1:] = own[1:] != own[:-1]
    return dict(zip(own[first].tolist(), ordered[first].tolist(), strict=True))


def _explain(grid: _Grid, people: Sequence[Person], k: int, col: K.BoolArray) -> list[Unavailable]:
    """Why each person who cannot come to slot ``k`` cannot (only for returned slots)."""
    s = grid.ws + k * grid.step
    e = s + grid.length
    missing = np.flatnonzero(~col)
    bs, be, owner = grid.busy_s, grid.busy_e, grid.busy_owner
    direct = _first_per_owner(np.flatnonzero((bs < e) & (be > s)), owner, bs)
    near: dict[int, int] = {}
    if grid.before or grid.after:
        hits = np.flatnonzero((bs < e + grid.after) & (be > s - grid.before))
        near = _first_per_owner(hits, owner, bs)
    inside = K.inside_points(grid.free, missing * grid.stride + (s - grid.ws), grid.length)
    out: list[Unavailable] = []
    for p, in_free in zip(missing.tolist(), inside.tolist(), strict=True):
        person = people[p]
        if _never_available(person.availability):
            out.append(Unavailable(person.user_id, Reason.NO_AVAILABILITY))
        elif p in direct:
            title = person.busy[direct[p] - int(grid.busy_off[p])].title
            out.append(Unavailable(person.user_id, Reason.BUSY, title))
        elif in_free and p in near:
            title = person.busy[near[p] - int(grid.busy_off[p])].title
            out.append(Unavailable(person.user_id, Reason.BUFFER, title))
        else:
            out.append(Unavailable(person.user_id, Reason.OUTSIDE_AVAILABILITY))
    return out


def find_a_time(
    people: Sequence[Person],
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    duration: timedelta,
    window_start: datetime,
    window_end: datetime,
    granularity: timedelta = timedelta(minutes=15),
    min_attendees: int = 1,
    limit: int = 10,
    roles: Sequence[RoleNeed] = (),
    rules: SlotRules | None = None,
    now: datetime | None = None,
    resources: Sequence[Person] = (),
) -> list[Slot]:
    """The best slots, best first (contract order), at most ``limit`` of them.

    ``people`` must hold every user named in ``required``/``optional`` (extra entries are
    ignored); someone named in both counts as required. ``resources`` (rooms, kit) must all
    be free for the whole slot (any level, no busy time, buffers applied) but are not
    attendees: they count towards neither ``min_attendees`` nor the ranking. Raises
    :class:`FindTimeError` for an invalid request (unknown user, window over 366 days, limit
    outside 1-100, ...).
    """
    rules = rules or SlotRules()
    length = _minutes(duration, "duration", positive=True)
    step = _minutes(granularity, "granularity", positive=True)
    ws, we = to_minute(window_start, "window_start"), to_minute(window_end, "window_end")
    if we <= ws:
        raise FindTimeError("window_end", "must be after window_start")
    if we - ws > MAX_WINDOW // MINUTE:
        raise FindTimeError("window_end", "the window may be at most 366 days long")
    if not 1 <= limit <= MAX_LIMIT:
        raise FindTimeError("limit", f"must be between 1 and {MAX_LIMIT}")
    if min_attendees < 0:
        raise FindTimeError("min_attendees", "must not be negative")
    by_id = {p.user_id: p for p in people}
    asked_ids = list(dict.fromkeys(required))
    n_req = len(asked_ids)
    asked_ids += [u for u in dict.fromkeys(optional) if u not in set(asked_ids[:n_req])]
    missing = [u for u in asked_ids if u not in by_id]
    if missing:
        raise FindTimeError("required" if missing[0] in required else "optional",
                            f"unknown user {missing[0]!r}")  # fmt: skip
    asked = [by_id[u] for u in asked_ids]

    grid = _grid(asked, ws, we, step, length, rules)
    n, n_slots = len(asked), grid.n_slots
    if n_slots == 0:
        return []
    count = K.count_ranges(grid.can, n_slots)
    ok = count >= min_attendees
    if n_req:
        ok &= K.count_ranges(grid.can, n_slots, grid.can[0] < n_req) == n_req
    for need in roles:
        holders = np.array([need.role in p.roles for p in asked], dtype=np.bool_)
        ok &= K.count_ranges(grid.can, n_slots, holders[grid.can[0]]) >= need.count
    if resources:
        rooms = _grid(resources, ws, we, step, length, rules)
        ok &= K.count_ranges(rooms.can, n_slots) == len(resources)
    if rules.restricts_time_of_day:
        frame = Person("", Availability(_rules_pattern(rules)))
        allowed = _grid([frame], ws, we, step, length, SlotRules())
        ok &= K.count_ranges(allowed.can, n_slots) > 0
    notice = _minutes(rules.min_notice, "rules.min_notice", positive=False)
    if now is not None:
        first = to_minute(now, "now") + notice
        ok &= ws + np.arange(n_slots) * step >= first
    elif notice:
        raise FindTimeError("now", "min_notice needs the current time")

    cand = np.flatnonzero(ok)
    nb_count = K.count_ranges(grid.can_nb, n_slots)
    order = np.lexsort((cand, nb_count[cand], -count[cand]))
    out: list[Slot] = []
    for k in cand[order[:limit]].tolist():
        col, nbcol = grid.column(k, n)
        start = ws + k * step
        out.append(
            Slot(
                starts_at=from_minute(start),
                ends_at=from_minute(start + length),
                available=tuple(asked_ids[i] for i in np.flatnonzero(col)),
                if_need_be=tuple(asked_ids[i] for i in np.flatnonzero(nbcol)),
                unavailable=tuple(_explain(grid, asked, k, col)),
            )
        )
    return out
