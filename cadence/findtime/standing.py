"""Standing weekly slot over stored data: the same loading as find-a-time, the core's ranking.

Tenancy first (every listed person must be a member, else 404), then the window check
(at most 366 days, 422), then one load of everybody's layers, the organisation's holidays
and busy time (`service.people`), then the pure `standing_weekly_slot`. Only the returned
slots are explained: for each person, the weeks they miss and why (`busy` with the event's
title, `holiday` with the calendar's name, `outside_availability`, `no_availability`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np

from cadence.calendar.service import ensure_members
from cadence.context import Ctx
from cadence.errors import InvalidInput
from cadence.findtime.service import check_window, people
from cadence.time.findtime import FindTimeError, Person, SlotRules
from cadence.time.layers import Availability, Level, parse_hhmm
from cadence.time.standing import StandingSlot, standing_weekly_slot
from cadence.time.zones import get_zone


@dataclass(frozen=True, slots=True)
class Miss:
    week: int
    day: date
    starts_at: datetime
    reason: str
    detail: str | None


@dataclass(frozen=True, slots=True)
class RankedSlot:
    slot: StandingSlot
    worst_week: int
    misses: dict[str, list[Miss]]


def next_monday(today: date) -> date:
    """The first Monday after ``today`` (a week later when today is a Monday)."""
    return today + timedelta(days=7 - today.weekday())


def _local_time(text: str | None) -> time | None:
    if text is None:
        return None
    minute = parse_hhmm(text)
    if minute == 1440:
        return None
    return time(minute // 60, minute % 60)


def _never_available(av: Availability) -> bool:
    if av.pattern is not None and av.pattern.ranges:
        return False
    return all(a.level == Level.UNAVAILABLE for a in av.adjustments)


class _Explainer:
    """Why one person misses one occurrence (busy first, as find-a-time explains slots)."""

    def __init__(self, person: Person, holiday_zone: str | None) -> None:
        self.person = person
        self.never = _never_available(person.availability)
        self.bs = np.array([b.start_minute for b in person.busy], dtype=np.int64)
        self.be = np.array([b.end_minute for b in person.busy], dtype=np.int64)
        self.zone = get_zone(holiday_zone) if holiday_zone else None

    def __call__(self, starts_at: datetime, ends_at: datetime) -> tuple[str, str | None]:
        if self.never:
            return "no_availability", None
        s, e = int(starts_at.timestamp()) // 60, int(ends_at.timestamp()) // 60
        hits = np.flatnonzero((self.bs < e) & (self.be > s))
        if len(hits):
            first = int(hits[np.argmin(self.bs[hits])])
            return "busy", self.person.busy[first].title
        if self.zone is not None:
            first_day = starts_at.astimezone(self.zone).date()
            last_day = (ends_at - timedelta(minutes=1)).astimezone(self.zone).date()
            for cal in self.person.availability.holidays:
                if any(first_day <= d <= last_day for d in cal.dates):
                    return "holiday", cal.name
        return "outside_availability", None


async def standing_slots(
    ctx: Ctx,
    *,
    org_id: str,
    required: Sequence[str],
    optional: Sequence[str],
    duration: timedelta,
    weeks: int,
    first_day: date | None,
    timezone: str,
    granularity: timedelta,
    earliest: str | None,
    latest: str | None,
    weekdays: Sequence[int] | None,
    limit: int,
) -> tuple[date, list[RankedSlot]]:
    """Ranked slots and the first day used (default: the first Monday after today there)."""
    listed = list(dict.fromkeys([*required, *optional]))
    await ensure_members(ctx, org_id=org_id, user_ids=listed)
    if not listed:
        raise InvalidInput("Ask at least one person.", field="required")
    try:
        zone = get_zone(timezone)
    except ValueError:
        raise InvalidInput(f"Unknown timezone {timezone!r}.", field="timezone") from None
    if first_day is None:
        first_day = next_monday(ctx.now().astimezone(zone).date())
    lo, hi = _local_time(earliest), _local_time(latest)
    if lo is not None and hi is not None and hi <= lo:
        raise InvalidInput("latest must be after earliest.", field="latest")
    window_start = datetime.combine(first_day, time(0), tzinfo=zone)
    last_day = first_day + timedelta(days=7 * weeks)
    window_end = datetime.combine(last_day, time(0), tzinfo=zone) + duration
    check_window(window_start, window_end)
    asked = await people(ctx, listed, window_start, window_end, org_id=org_id)
    rules = SlotRules(
        timezone=timezone,
        earliest=lo,
        latest=hi,
        weekdays=None if weekdays is None else frozenset(weekdays),
    )
    try:
        slots = standing_weekly_slot(
            asked,
            required=required,
            optional=optional,
            duration=duration,
            first_day=first_day,
            weeks=weeks,
            timezone=timezone,
            granularity=granularity,
            rules=rules,
            limit=limit,
        )
    except FindTimeError as exc:
        raise InvalidInput(exc.message, field=exc.field) from None
    holiday_zone = next((c.timezone for p in asked for c in p.availability.holidays), None)
    explain = {p.user_id: _Explainer(p, holiday_zone) for p in asked}
    out = []
    for slot in slots:
        misses: dict[str, list[Miss]] = {uid: [] for uid in listed}
        worst, worst_count = 0, -1
        for w, occ in enumerate(slot.occurrences):
            if len(occ.missing) > worst_count:
                worst, worst_count = w, len(occ.missing)
            day = occ.starts_at.astimezone(zone).date()
            for uid in occ.missing:
                reason, detail = explain[uid](occ.starts_at, occ.ends_at)
                misses[uid].append(Miss(w + 1, day, occ.starts_at, reason, detail))
        out.append(RankedSlot(slot, worst + 1, misses))
    return first_day, out
