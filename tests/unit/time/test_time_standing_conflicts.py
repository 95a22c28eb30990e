"""Standing weekly slot (every occurrence scored) and conflict listing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from cadence.time.conflicts import find_conflicts
from cadence.time.findtime import Busy, Person, SlotRules
from cadence.time.layers import Availability, WeeklyPattern, WeeklyRange
from cadence.time.standing import standing_weekly_slot


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc,arg-type]


def evenings(zone: str = "Europe/London") -> Availability:
    return Availability(
        WeeklyPattern(zone, tuple(WeeklyRange.parse(d, "18:00", "22:00") for d in range(7)))
    )


def test_every_occurrence_counts_not_just_the_first_weeks() -> None:
    # Tuesday is perfect for two weeks, then "b" is busy every Tuesday; Thursday loses "b" once.
    tuesdays = tuple(
        Busy(
            utc(2025, 1, 7, 18) + timedelta(weeks=w),
            utc(2025, 1, 7, 22) + timedelta(weeks=w),
            "class",
        )
        for w in range(2, 8)
    )
    thursday = (Busy(utc(2025, 1, 9, 18), utc(2025, 1, 9, 22), "trip"),)
    people = [Person("a", evenings()), Person("b", evenings(), busy=tuesdays + thursday)]
    rules = SlotRules(weekdays=frozenset({1, 3}), earliest=time(18), latest=time(22))
    slots = standing_weekly_slot(
        people,
        required=["a"],
        optional=["b"],
        duration=timedelta(hours=4),
        first_day=date(2025, 1, 6),
        weeks=8,
        timezone="Europe/London",
        rules=rules,
    )
    best = slots[0]
    assert (best.weekday, best.start, best.misses, best.worst) == (3, time(18), 1, 1)
    assert len(best.occurrences) == 8
    assert best.occurrences[0].missing == ("b",) and best.occurrences[1].available == ("a", "b")
    assert slots[1].weekday == 1 and slots[1].misses == 6


def test_standing_slot_keeps_local_time_across_dst() -> None:
    people = [Person("a", evenings())]
    (best,) = standing_weekly_slot(
        people,
        required=["a"],
        duration=timedelta(hours=4),
        first_day=date(2025, 3, 17),
        weeks=3,
        timezone="Europe/London",
        limit=1,
    )
    assert best.misses == 0 and best.start == time(18)
    assert [o.starts_at.hour for o in best.occurrences] == [18, 18, 17]


def test_conflicts_with_buffers_half_open_and_ignored_sources() -> None:
    busy = {
        "a": [
            Busy(utc(2025, 1, 6, 9), utc(2025, 1, 6, 10), "Standup", "event:1"),
            Busy(utc(2025, 1, 6, 12), utc(2025, 1, 6, 13), "Lunch", "import:2"),
        ],
        "b": [Busy(utc(2025, 1, 6, 11), utc(2025, 1, 6, 11, 30), "Self", "event:9")],
    }
    assert (
        find_conflicts(
            utc(2025, 1, 6, 10), utc(2025, 1, 6, 12), busy, ignore_sources=frozenset({"event:9"})
        )
        == []
    )
    found = find_conflicts(
        utc(2025, 1, 6, 10), utc(2025, 1, 6, 12), busy, buffer_after=timedelta(minutes=15)
    )
    assert [(c.who, c.kind, c.busy.title if c.busy else None) for c in found] == [
        ("a", "busy", "Lunch"),
        ("b", "busy", "Self"),
    ]
