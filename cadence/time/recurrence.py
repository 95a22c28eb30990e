"""RFC 5545 recurrence: RRULE, RDATE, EXDATE and per-occurrence overrides, in the event's zone.

A :class:`Series` is read on the wall clock of its own IANA zone, so a weekly 19:00
Europe/London rehearsal stays at 19:00 local across clock changes (the rule is expanded by
``dateutil.rrule`` on naive wall times, then each wall time is placed in UTC).

Clock changes, as RFC 5545 §3.3.5 and every calendar client do it (so that what Cadence
computes is what subscribers of the exported feed see):

* an occurrence whose wall time falls in a **gap** is read with the offset in force before
  the gap, i.e. it is shifted forward by the gap's length (London 01:30 on the spring-forward
  Sunday happens at 02:30 BST);
* an occurrence whose wall time falls in an **overlap** takes the first instance.

(Availability range edges follow the contract's rule instead: the first instant after the
gap; see :mod:`cadence.time.layers`.)

EXDATEs and override RECURRENCE-IDs are matched by instant, so they match whatever zone they
were written in. An override moves an occurrence (new start/end) or cancels it. A change to
"this and all following" occurrences is a split (:func:`split`): the old series ends before
the occurrence and a new series starts at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import numpy as np
from dateutil.rrule import rrule, rrulestr

from cadence.time.zones import (
    MINUTE,
    from_minute,
    get_zone,
    to_minute,
    zone_table,
)

__all__ = ["Occurrence", "Override", "Series", "expand", "split"]

_UNTIL = re.compile(r"UNTIL=(\d{8}T\d{6}Z)", re.IGNORECASE)
_COUNT = re.compile(r"COUNT=(\d+)", re.IGNORECASE)
_NAIVE_EPOCH = datetime(1970, 1, 1)  # noqa: DTZ001 - origin of wall-clock minutes


@dataclass(frozen=True, slots=True)
class Override:
    """A change to one occurrence, named by its original start (RECURRENCE-ID)."""

    recurrence_id: datetime
    start: datetime | None = None
    end: datetime | None = None
    cancelled: bool = False
    summary: str | None = None


@dataclass(frozen=True, slots=True)
class Series:
    """A one-off event (``rrule=None`` and no ``rdates``) or a recurring series."""

    start: datetime
    duration: timedelta
    timezone: str
    rrule: str | None = None
    rdates: tuple[datetime, ...] = ()
    exdates: tuple[datetime, ...] = ()
    overrides: tuple[Override, ...] = ()

    def __post_init__(self) -> None:
        to_minute(self.start, "series start")
        get_zone(self.timezone)
        if self.duration < timedelta(0):
            raise ValueError("duration must not be negative")
        if self.rrule is not None:
            _rule(self.rrule, _wall(self.start, self.timezone), self.timezone)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One occurrence in UTC; ``recurrence_id`` is its original start (the override key)."""

    recurrence_id: datetime
    start: datetime
    end: datetime
    overridden: bool = False
    summary: str | None = None


def _wall(dt: datetime, zone: str) -> datetime:
    return dt.astimezone(get_zone(zone)).replace(tzinfo=None)


def _rule(text: str, dtstart: datetime, zone: str) -> rrule:
    """Parse an RRULE value for a naive wall-clock DTSTART; a UTC UNTIL becomes wall time."""

    def until_to_wall(m: re.Match[str]) -> str:
        u = datetime.strptime(m.group(1).upper(), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return f"UNTIL={_wall(u, zone):%Y%m%dT%H%M%S}"

    value = _UNTIL.sub(until_to_wall, text.strip().removeprefix("RRULE:"))
    try:
        rule = rrulestr(value, dtstart=dtstart)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"invalid RRULE {text!r}: {exc}") from None
    assert isinstance(rule, rrule)
    return rule


def _place(walls: list[datetime], zone: str) -> list[int]:
    """UTC minutes of wall times under the RFC 5545 gap/overlap reading."""
    if not walls:
        return []
    local = np.array([(w - _NAIVE_EPOCH) // MINUTE for w in walls], dtype=np.int64)
    table = zone_table(zone, int(local.min()), int(local.max()))
    return [int(v) for v in table.to_utc_shifted(local)]


def _rule_instants(series: Series, lo: int, hi: int) -> list[int]:
    """UTC minutes of the rule's occurrences starting in [lo, hi] (with DTSTART itself)."""
    start_wall = _wall(series.start, series.timezone)
    if series.rrule is None:
        walls = [start_wall]
    else:
        rule = _rule(series.rrule, start_wall, series.timezone)
        margin = timedelta(days=2)  # wall time is within a day of UTC everywhere
        a = from_minute(lo).replace(tzinfo=None) - margin
        b = from_minute(hi).replace(tzinfo=None) + margin
        walls = list(rule.between(a, b, inc=True))
        # RFC 5545: DTSTART is always the first instance, even if the rule skips it.
        if a <= start_wall <= b and start_wall not in walls:
            walls.insert(0, start_wall)
    instants = _place(walls, series.timezone)
    return [m for m in instants if lo <= m <= hi]


def expand(series: Series, window_start: datetime, window_end: datetime) -> list[Occurrence]:
    """Every occurrence overlapping ``[window_start, window_end)``, sorted by start.

    Cancelled and excluded occurrences are left out; moved ones appear at their new time
    (also when they moved into the window from outside it).
    """
    ws = to_minute(window_start, "window_start")
    we = to_minute(window_end, "window_end")
    dur = series.duration // MINUTE
    overrides = {to_minute(o.recurrence_id): o for o in series.overrides}
    shift = 0
    for rid, ov in overrides.items():
        if ov.start is not None:
            shift = max(shift, abs(to_minute(ov.start) - rid))
        if ov.end is not None:
            shift = max(shift, abs(to_minute(ov.end) - rid))
    lo, hi = ws - dur - shift - 1, we + shift
    instants = set(_rule_instants(series, lo, hi))
    instants.update(m for m in (to_minute(r) for r in series.rdates) if lo <= m <= hi)
    instants.difference_update(to_minute(x) for x in series.exdates)
    out: list[Occurrence] = []
    for rid in sorted(instants):
        o = overrides.get(rid)
        start, end = rid, rid + dur
        if o is not None:
            if o.cancelled:
                continue
            start = to_minute(o.start) if o.start is not None else start
            end = to_minute(o.end) if o.end is not None else start + dur
        if start < we and (end > ws or (end == start and start >= ws)):
            out.append(
                Occurrence(
                    from_minute(rid),
                    from_minute(start),
                    from_minute(end),
                    o is not None,
                    o.summary if o is not None else None,
                )
            )
    out.sort(key=lambda oc: (oc.start, oc.recurrence_id))
    return out


def split(series: Series, at: datetime) -> tuple[Series | None, Series]:
    """ "This and all following": end the series before the occurrence ``at`` (an original
    start) and begin an identical series there, which the caller may then change.

    COUNT is divided between the two; UNTIL stays with the new series. EXDATEs, RDATEs and
    overrides go to the part they fall in. The head is ``None`` when ``at`` is the first
    occurrence.
    """
    cut = to_minute(at, "split point")
    first = to_minute(series.start)
    if cut <= first:
        return None, series
    before = _rule_instants(series, first, cut - 1)
    head_rule = series.rrule
    tail_rule = series.rrule
    if series.rrule is not None:
        m = _COUNT.search(series.rrule)
        if m:
            total = int(m.group(1))
            head_rule = _COUNT.sub(f"COUNT={len(before)}", series.rrule)
            tail_rule = _COUNT.sub(f"COUNT={max(total - len(before), 1)}", series.rrule)
        else:
            until = from_minute(cut - 1).strftime("%Y%m%dT%H%M%SZ")
            base = _UNTIL.sub("", series.rrule).replace(";;", ";").strip(";")
            head_rule = f"{base};UNTIL={until}"

    def part(values: tuple[datetime, ...], keep_head: bool) -> tuple[datetime, ...]:
        return tuple(v for v in values if (to_minute(v) < cut) == keep_head)

    head = replace(
        series,
        rrule=head_rule,
        rdates=part(series.rdates, True),
        exdates=part(series.exdates, True),
        overrides=tuple(o for o in series.overrides if to_minute(o.recurrence_id) < cut),
    )
    tail = replace(
        series,
        start=from_minute(cut),
        rrule=tail_rule,
        rdates=part(series.rdates, False),
        exdates=part(series.exdates, False),
        overrides=tuple(o for o in series.overrides if to_minute(o.recurrence_id) >= cut),
    )
    return head, tail
