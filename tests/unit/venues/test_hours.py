"""Opening hours in the venue's zone: past midnight, exceptions, and clock-change nights."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from cadence.time.intervals import Interval
from cadence.time.layers import InvalidPatternError
from cadence.venues.hours import (
    DayException,
    HoursEntry,
    open_time,
    pattern,
    service_date_of,
    service_day,
)

ZONE = "Europe/London"
SAT_LATE = [HoursEntry(5, "20:00", "03:00")]  # Saturday 20:00 to Sunday 03:00


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def window(day: date) -> Interval:
    start, end = service_day(day, ZONE)
    return Interval.of(start, end)


def test_a_night_past_midnight_on_the_spring_forward_night_is_one_hour_shorter() -> None:
    # 29 March 2026: London skips 01:00-02:00 local. 20:00 GMT to 03:00 BST = 6 hours.
    spans = open_time(ZONE, SAT_LATE, [], window(date(2026, 3, 28)))
    assert spans.spans and len(spans) == 1
    (only,) = list(spans)
    assert only.start == utc(2026, 3, 28, 20, 0) and only.end == utc(2026, 3, 29, 2, 0)
    assert only.duration == timedelta(hours=6)


def test_a_night_past_midnight_on_the_fall_back_night_is_one_hour_longer() -> None:
    # 25 October 2026: 02:00 BST becomes 01:00 GMT. 20:00 BST to 03:00 GMT = 8 hours.
    (only,) = list(open_time(ZONE, SAT_LATE, [], window(date(2026, 10, 24))))
    assert only.start == utc(2026, 10, 24, 19, 0) and only.end == utc(2026, 10, 25, 3, 0)
    assert only.duration == timedelta(hours=8)


def test_wall_clock_hours_hold_on_both_sides_of_the_change() -> None:
    tuesday = [HoursEntry(1, "17:00", "23:00")]
    (winter,) = list(open_time(ZONE, tuesday, [], window(date(2026, 3, 24))))
    (summer,) = list(open_time(ZONE, tuesday, [], window(date(2026, 3, 31))))
    assert winter.start == utc(2026, 3, 24, 17, 0)
    assert summer.start == utc(2026, 3, 31, 16, 0)


def test_closed_day_removes_the_whole_night_and_special_hours_replace_it() -> None:
    day = date(2026, 6, 6)  # a Saturday
    closed = open_time(ZONE, SAT_LATE, [DayException(day, True)], window(day))
    assert not closed
    special = open_time(ZONE, SAT_LATE, [DayException(day, False, "18:00", "01:00")], window(day))
    (only,) = list(special)
    assert only.start == utc(2026, 6, 6, 17, 0) and only.end == utc(2026, 6, 7, 0, 0)
    # the later exception wins
    both = [DayException(day, False, "18:00", "01:00"), DayException(day, True)]
    assert not open_time(ZONE, SAT_LATE, both, window(day))


def test_service_day_runs_from_six_to_six() -> None:
    assert service_date_of(utc(2026, 6, 7, 0, 30), ZONE) == date(2026, 6, 6)
    assert service_date_of(utc(2026, 6, 7, 5, 0), ZONE) == date(2026, 6, 7)


def test_overlapping_or_bad_hours_are_refused() -> None:
    with pytest.raises(InvalidPatternError):
        pattern(ZONE, [HoursEntry(4, "17:00", "02:00"), HoursEntry(5, "01:00", "03:00")])
    with pytest.raises(InvalidPatternError):
        pattern("Mars/Olympus", [])
    with pytest.raises(ValueError, match="weekday"):
        pattern(ZONE, [HoursEntry(7, "17:00", "18:00")])
