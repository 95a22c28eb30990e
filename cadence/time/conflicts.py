"""Conflicts: what a proposed event overlaps, for each person or resource involved.

Used when an event is created or moved: the answer is a warning list, not a refusal, so it
reports every overlap (with the busy item's title and source) rather than a yes/no. Buffers
widen the proposed event (travel, setup) before it is compared; times are half-open, so an
event may start exactly when another ends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cadence.time.findtime import Busy
from cadence.time.intervals import Interval
from cadence.time.layers import Timeline
from cadence.time.zones import MINUTE, to_minute

__all__ = ["Conflict", "find_conflicts"]


@dataclass(frozen=True, slots=True)
class Conflict:
    """``who`` is busy with ``busy`` (kind ``"busy"``), or the event lies outside their
    availability (kind ``"outside_availability"``, ``busy`` is None)."""

    who: str
    kind: str
    busy: Busy | None = None


def find_conflicts(
    start: datetime,
    end: datetime,
    busy: Mapping[str, Sequence[Busy]],
    *,
    availability: Mapping[str, Timeline] | None = None,
    buffer_before: timedelta = timedelta(0),
    buffer_after: timedelta = timedelta(0),
    ignore_sources: frozenset[str] = frozenset(),
) -> list[Conflict]:
    """Every overlap of ``[start - buffer_before, end + buffer_after)``, by person then time.

    ``ignore_sources`` skips busy items of the event being moved (its own ``source``).
    ``availability`` (optional) also reports people for whom the event leaves their time.
    """
    s = to_minute(start, "start") - buffer_before // MINUTE
    e = to_minute(end, "end") + buffer_after // MINUTE
    if e < s:
        raise ValueError("the event ends before it starts")
    out: list[Conflict] = []
    for who in sorted(set(busy) | set(availability or {})):
        if availability is not None and who in availability:
            tl = availability[who]
            if not tl.free.covers(Interval(to_minute(start), to_minute(end))):
                out.append(Conflict(who, "outside_availability"))
        hits = [
            b
            for b in busy.get(who, ())
            if b.start_minute < e and b.end_minute > s and b.source not in ignore_sources
        ]
        hits.sort(key=lambda b: (b.start_minute, b.end_minute))
        out.extend(Conflict(who, "busy", b) for b in hits)
    return out
