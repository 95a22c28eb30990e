"""Layering: weekly pattern in its zone, holidays, exceptions (last wins) → one timeline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadence.time.intervals import Interval, IntervalSet
from cadence.time.layers import (
    Adjustment,
    Availability,
    HolidayCalendar,
    InvalidPatternError,
    Level,
    WeeklyPattern,
    WeeklyRange,
    build_timeline,
    parse_hhmm,
)

from .reference import ref_timeline

ZONES = ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc,arg-type]


def span(a: datetime, b: datetime) -> IntervalSet:
    return IntervalSet.span(a, b)


def window(a: datetime, days: int) -> Interval:
    return Interval.of(a, a + timedelta(days=days))


def test_parse_hhmm() -> None:
    assert parse_hhmm("00:00") == 0
    assert parse_hhmm("24:00") == 1440
    for bad in ("24:30", "7:00", "12:60", "noon"):
        with pytest.raises(ValueError, match="HH:MM"):
            parse_hhmm(bad)


@pytest.mark.parametrize(
    ("ranges", "zone", "field"),
    [
        ((WeeklyRange(0, 600, 600),), "UTC", "weekly[0]"),  # empty
        ((WeeklyRange(0, 700, 600),), "UTC", "weekly[0]"),  # inverted
        ((WeeklyRange(0, 600, 700), WeeklyRange(0, 650, 800)), "UTC", "weekly[1]"),  # overlap
        ((WeeklyRange(7, 600, 700),), "UTC", "weekly[0]"),
        ((), "Europe/Londres", "timezone"),
    ],
)
def test_pattern_validation(ranges: tuple[WeeklyRange, ...], zone: str, field: str) -> None:
    with pytest.raises(InvalidPatternError) as err:
        WeeklyPattern(zone, ranges)
    assert err.value.field == field


def test_touching_ranges_are_fine_and_merge_across_midnight() -> None:
    pat = WeeklyPattern(
        "Europe/London",
        (WeeklyRange.parse(0, "20:00", "24:00"), WeeklyRange.parse(1, "00:00", "02:00")),
    )
    tl = build_timeline(Availability(pat), window(utc(2025, 1, 6), 2))
    assert tl.free == span(utc(2025, 1, 6, 20), utc(2025, 1, 7, 2))


def test_pattern_keeps_local_hours_across_dst() -> None:
    pat = WeeklyPattern("Europe/London", (WeeklyRange.parse(1, "19:00", "22:00"),))
    tl = build_timeline(Availability(pat), window(utc(2025, 3, 24), 14))
    assert tl.free == span(utc(2025, 3, 25, 19), utc(2025, 3, 25, 22)) | span(
        utc(2025, 4, 1, 18), utc(2025, 4, 1, 21)
    )


def test_range_edges_in_gap_and_overlap() -> None:
    # Sunday ranges in London around both changes of 2025.
    pat = WeeklyPattern(
        "Europe/London",
        (
            WeeklyRange.parse(6, "01:30", "03:00"),  # starts in the spring gap
            WeeklyRange.parse(6, "05:00", "05:30", "if_need_be"),
            WeeklyRange.parse(6, "00:30", "01:30"),  # overlapping this: invalid; see below
        )[0:2],
    )
    spring = build_timeline(Availability(pat), window(utc(2025, 3, 29), 2))
    assert spring.free & span(utc(2025, 3, 30), utc(2025, 3, 30, 3)) == span(
        utc(2025, 3, 30, 1), utc(2025, 3, 30, 2)
    )  # 02:00-03:00 BST: the start moved to the first instant after the gap
    autumn = build_timeline(Availability(pat), window(utc(2025, 10, 25), 2))
    # 01:30 is repeated: its first instance is 00:30 UTC; 03:00 GMT is 03:00 UTC
    assert autumn.free & span(utc(2025, 10, 26), utc(2025, 10, 26, 4)) == span(
        utc(2025, 10, 26, 0, 30), utc(2025, 10, 26, 3)
    )
    assert autumn.if_need_be == span(utc(2025, 10, 26, 5), utc(2025, 10, 26, 5, 30))


def test_lord_howe_half_hour_gap() -> None:
    pat = WeeklyPattern("Australia/Lord_Howe", (WeeklyRange.parse(6, "02:00", "03:00"),))
    tl = build_timeline(Availability(pat), window(utc(2025, 10, 3), 3))
    # 5 Oct 2025: 02:00-02:30 does not exist; the range is 02:30-03:00 (+11) = 15:30-16:00 UTC
    assert tl.free == span(utc(2025, 10, 4, 15, 30), utc(2025, 10, 4, 16))


def test_kolkata_has_no_changes() -> None:
    pat = WeeklyPattern("Asia/Kolkata", (WeeklyRange.parse(6, "01:30", "02:30"),))
    tl = build_timeline(Availability(pat), window(utc(2025, 3, 28), 3))
    assert tl.free == span(utc(2025, 3, 29, 20), utc(2025, 3, 29, 21))


def test_exceptions_override_and_the_last_created_wins() -> None:
    pat = WeeklyPattern("UTC", (WeeklyRange.parse(0, "09:00", "17:00"),))
    adj = (
        Adjustment(utc(2025, 1, 6, 10), utc(2025, 1, 6, 12), Level.UNAVAILABLE),
        Adjustment(utc(2025, 1, 6, 11), utc(2025, 1, 6, 13), Level.IF_NEED_BE),
        Adjustment(utc(2025, 1, 6, 20), utc(2025, 1, 6, 21), Level.AVAILABLE),
    )
    tl = build_timeline(Availability(pat, adjustments=adj), window(utc(2025, 1, 6), 1))
    assert tl.free == span(utc(2025, 1, 6, 9), utc(2025, 1, 6, 10)) | span(
        utc(2025, 1, 6, 11), utc(2025, 1, 6, 17)
    ) | span(utc(2025, 1, 6, 20), utc(2025, 1, 6, 21))
    assert tl.if_need_be == span(utc(2025, 1, 6, 11), utc(2025, 1, 6, 13))
    assert tl.available == tl.free - tl.if_need_be
    # reversed creation order: the unavailable one now wins where they overlap
    tl2 = build_timeline(
        Availability(pat, adjustments=(adj[1], adj[0])), window(utc(2025, 1, 6), 1)
    )
    assert tl2.if_need_be == span(utc(2025, 1, 6, 12), utc(2025, 1, 6, 13))


def test_no_pattern_means_no_availability_but_exceptions_can_add() -> None:
    w = window(utc(2025, 1, 6), 7)
    assert not build_timeline(Availability(None), w).free
    add = Adjustment(utc(2025, 1, 7, 9), utc(2025, 1, 7, 10), Level.AVAILABLE)
    assert build_timeline(Availability(None, adjustments=(add,)), w).free == span(
        utc(2025, 1, 7, 9), utc(2025, 1, 7, 10)
    )


def test_holidays_close_whole_local_days_before_adjustments() -> None:
    pat = WeeklyPattern("America/New_York", tuple(WeeklyRange(d, 0, 1440) for d in range(7)))
    cal = HolidayCalendar("US", "America/New_York", frozenset({date(2025, 7, 4)}))
    reopen = Adjustment(utc(2025, 7, 4, 20), utc(2025, 7, 4, 22), Level.IF_NEED_BE)
    tl = build_timeline(
        Availability(pat, holidays=(cal,), adjustments=(reopen,)), window(utc(2025, 7, 3), 3)
    )
    closed = span(utc(2025, 7, 4, 4), utc(2025, 7, 5, 4)) - span(
        utc(2025, 7, 4, 20), utc(2025, 7, 4, 22)
    )
    assert tl.free == span(utc(2025, 7, 3), utc(2025, 7, 6)) - closed
    assert tl.if_need_be == span(utc(2025, 7, 4, 20), utc(2025, 7, 4, 22))


def test_adjustment_priority_orders_before_creation() -> None:
    pat = WeeklyPattern("UTC", ())
    a = Adjustment(utc(2025, 1, 6, 9), utc(2025, 1, 6, 12), Level.AVAILABLE, priority=1)
    b = Adjustment(utc(2025, 1, 6, 10), utc(2025, 1, 6, 11), Level.UNAVAILABLE, priority=0)
    tl = build_timeline(Availability(pat, adjustments=(a, b)), window(utc(2025, 1, 6), 1))
    assert tl.free == span(utc(2025, 1, 6, 9), utc(2025, 1, 6, 12))


# ---- generated patterns against the slow reference ----------------------------------------

minute_of_day = st.integers(0, 96).map(lambda q: q * 15)


@st.composite
def patterns(draw: st.DrawFn) -> WeeklyPattern:
    zone = draw(st.sampled_from(ZONES))
    ranges = []
    for day in range(7):
        cuts = sorted(set(draw(st.lists(minute_of_day, max_size=4))))
        for a, b in zip(cuts[::2], cuts[1::2], strict=False):
            ranges.append(WeeklyRange(day, a, b, draw(st.sampled_from(list(Level)[:2]))))
    return WeeklyPattern(zone, tuple(ranges))


@st.composite
def adjustments(draw: st.DrawFn, start: datetime) -> tuple[Adjustment, ...]:
    out = []
    for _ in range(draw(st.integers(0, 4))):
        a = start + timedelta(minutes=15 * draw(st.integers(0, 4 * 24 * 9)))
        b = a + timedelta(minutes=15 * draw(st.integers(1, 4 * 30)))
        out.append(Adjustment(a, b, draw(st.sampled_from(list(Level)))))
    return tuple(out)


TRANSITION_WEEKS = [
    utc(2025, 3, 27),
    utc(2025, 10, 23),
    utc(2025, 4, 3),
    utc(2025, 10, 2),
    utc(2025, 3, 6),
    utc(2025, 10, 30),
]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_generated_layers_match_reference(data: st.DataObject) -> None:
    start = data.draw(st.sampled_from(TRANSITION_WEEKS))
    pat = data.draw(patterns())
    adj = data.draw(adjustments(start))
    w = window(start, 8)
    av = Availability(pat, adjustments=adj)
    tl = build_timeline(av, w)
    free, nb = ref_timeline(av, w)
    assert tl.free == free
    assert tl.if_need_be == nb
