"""Playing slots: kick-off instants of a season, computed in the organisation's zone.

Organisers think in "every Sunday at 14:30 from 7 September"; the solver and the calendar
need UTC instants. The wall time is resolved in the season's IANA zone with the time core's
rule for clock changes (a skipped time moves forward, a repeated one takes its first
instance), so a Sunday kick-off stays at 14:30 local across the autumn change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

from cadence.errors import InvalidInput
from cadence.time.zones import resolve_local


def rounds_needed(teams: int, double: bool) -> int:
    """Slots a round robin of `teams` needs (an odd count plays with a bye each round)."""
    if teams < 2:
        return 0
    per_half = teams - 1 if teams % 2 == 0 else teams
    return per_half * (2 if double else 1)


def weekly_slots(
    *,
    zone: str,
    start: date,
    weekday: int,
    kick_off: time,
    count: int,
    skip: set[date] | None = None,
) -> list[datetime]:
    """`count` kick-offs on `weekday` from `start` on, skipping `skip` dates, in UTC."""
    if not 0 <= weekday <= 6:
        raise InvalidInput("weekday is 0 (Monday) to 6 (Sunday).", field="weekday")
    if not 1 <= count <= 200:
        raise InvalidInput("A season has 1 to 200 slots.", field="count")
    day = start + timedelta(days=(weekday - start.weekday()) % 7)
    out: list[datetime] = []
    while len(out) < count:
        if not skip or day not in skip:
            out.append(resolve_local(datetime.combine(day, kick_off), zone))
        day += timedelta(days=7)
    return out


def to_text(instants: list[datetime]) -> list[str]:
    """RFC 3339 UTC strings as stored; refuses naive values and unordered lists."""
    for a in instants:
        if a.tzinfo is None:
            raise InvalidInput("Slot times need a timezone offset.", field="slots")
    ordered = [a.astimezone(UTC) for a in instants]
    if any(b <= a for a, b in pairwise(ordered)):
        raise InvalidInput("Slots must be in strictly increasing order.", field="slots")
    return [a.isoformat().replace("+00:00", "Z") for a in ordered]


def from_text(values: list[str]) -> list[datetime]:
    return [datetime.fromisoformat(v.replace("Z", "+00:00")) for v in values]
