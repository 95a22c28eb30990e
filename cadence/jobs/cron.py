"""A small cron parser: five fields (minute hour day-of-month month day-of-week), in UTC.

Supports `*`, numbers, ranges `a-b`, steps `*/n` and `a-b/n`, and lists `a,b`. As in Vixie
cron, when both day fields are restricted a day matches if either matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_BOUNDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


def _field(text: str, low: int, high: int) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        body, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(f"bad cron step in {part!r}")
        if body == "*":
            start, end = low, high
        elif "-" in body:
            a, b = body.split("-", 1)
            start, end = int(a), int(b)
        else:
            start = int(body)
            end = high if step_text else start
        if not (low <= start <= end <= high):
            raise ValueError(f"cron value out of range in {part!r} ({low}-{high})")
        values.update(range(start, end + 1, step))
    return frozenset(values)


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    days_any: bool
    weekdays_any: bool

    @classmethod
    def parse(cls, expression: str) -> Cron:
        parts = expression.split()
        if len(parts) != 5:
            raise ValueError(f"a cron expression has five fields: {expression!r}")
        fields = [_field(p, lo, hi) for p, (lo, hi) in zip(parts, _BOUNDS, strict=True)]
        minutes, hours, days, months, weekdays = fields
        return cls(
            minutes,
            hours,
            days,
            months,
            weekdays=frozenset(d % 7 for d in weekdays),  # 7 is Sunday too
            days_any=parts[2] == "*",
            weekdays_any=parts[4] == "*",
        )

    def _day_matches(self, at: datetime) -> bool:
        dom = at.day in self.days
        dow = (at.isoweekday() % 7) in self.weekdays
        if self.days_any or self.weekdays_any:
            return dom and dow
        return dom or dow

    def next_after(self, after: datetime) -> datetime:
        """The first matching minute strictly after `after` (UTC, seconds dropped)."""
        at = after.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
        limit = at + timedelta(days=366 * 5)
        while at < limit:
            if at.month not in self.months:
                at = (at.replace(day=1, hour=0, minute=0) + timedelta(days=32)).replace(day=1)
            elif not self._day_matches(at):
                at = at.replace(hour=0, minute=0) + timedelta(days=1)
            elif at.hour not in self.hours:
                at = at.replace(minute=0) + timedelta(hours=1)
            elif at.minute not in self.minutes:
                at += timedelta(minutes=1)
            else:
                return at
        raise ValueError("cron expression never matches")
