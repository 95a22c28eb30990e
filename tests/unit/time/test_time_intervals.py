"""Interval algebra: laws checked by hypothesis against a minute-set model, and the kernels."""
# ruff: noqa: DTZ001 - naive datetimes here are wall-clock times on purpose

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadence.time import _kernel as K
from cadence.time.intervals import Interval, IntervalSet
from cadence.time.zones import NaiveDatetimeError, from_minute

BASE = 29_000_000  # a minute in 2025

spans_st = st.lists(
    st.tuples(st.integers(0, 200), st.integers(0, 40)).map(
        lambda t: (BASE + t[0], BASE + t[0] + t[1])
    ),
    max_size=8,
)
sets = spans_st.map(IntervalSet.from_spans)
fast = settings(max_examples=150, deadline=None)


def minutes(s: IntervalSet) -> set[int]:
    return {m for a, b in s.spans for m in range(a, b)}


@fast
@given(sets, sets)
def test_operations_match_the_minute_set_model(a: IntervalSet, b: IntervalSet) -> None:
    assert minutes(a | b) == minutes(a) | minutes(b)
    assert minutes(a & b) == minutes(a) & minutes(b)
    assert minutes(a - b) == minutes(a) - minutes(b)
    assert (a.duration // timedelta(minutes=1)) == len(minutes(a))


@fast
@given(sets, sets, sets)
def test_algebra_laws(a: IntervalSet, b: IntervalSet, c: IntervalSet) -> None:
    assert a | b == b | a
    assert a & b == b & a
    assert (a | b) | c == a | (b | c)
    assert a & (b | c) == (a & b) | (a & c)
    assert a - (b | c) == (a - b) - c
    assert (a | b).duration + (a & b).duration == a.duration + b.duration
    window = Interval(BASE - 10, BASE + 300)
    assert a.complement(window).complement(window) == a.clip(window)
    # De Morgan inside the window
    assert (a | b).complement(window) == a.complement(window) & b.complement(window)


@fast
@given(sets)
def test_normalised_form_is_sorted_disjoint_and_not_touching(a: IntervalSet) -> None:
    for (_, e1), (s2, _) in zip(a.spans, a.spans[1:], strict=False):
        assert e1 < s2
    assert all(s < e for s, e in a.spans)


@fast
@given(sets, st.integers(BASE - 5, BASE + 250), st.integers(1, 30))
def test_queries(a: IntervalSet, start: int, length: int) -> None:
    iv = Interval(start, start + length)
    mins = minutes(a)
    assert a.covers(iv) == all(m in mins for m in range(start, start + length))
    assert a.overlaps(iv) == any(m in mins for m in range(start, start + length))
    assert a.contains(from_minute(start)) == (start in mins)


@fast
@given(spans_st, spans_st, spans_st)
def test_vector_kernel_agrees_with_interval_set(x: list, y: list, z: list) -> None:  # type: ignore[type-arg]
    def arr(sp: list[tuple[int, int]]) -> K.Spans:
        return K.spans([s for s, _ in sp], [e for _, e in sp])

    def back(sp: K.Spans) -> IntervalSet:
        return IntervalSet.from_spans(zip(sp[0].tolist(), sp[1].tolist(), strict=True))

    a, b, c = (IntervalSet.from_spans(v) for v in (x, y, z))
    assert back(K.union(arr(x), arr(y), arr(z))) == a | b | c
    assert back(K.difference(arr(x), arr(y))) == a - b
    u = K.union(arr(x))
    assert list(zip(u[0].tolist(), u[1].tolist(), strict=True)) == list(a.spans)


@fast
@given(sets, st.integers(0, 30).map(lambda o: BASE + o), st.integers(1, 5), st.integers(1, 40))
def test_slot_ranges_agree_with_covers_and_overlaps(
    a: IntervalSet, origin: int, step: int, length: int
) -> None:
    n_slots = 60
    stride = 10_000
    sp = K.spans(
        [s - origin + stride for s, _ in a.spans], [e - origin + stride for _, e in a.spans]
    )
    # row 1 on the shared line; clip to the row
    sp = (np.clip(sp[0], stride, 2 * stride - 1), np.clip(sp[1], stride, 2 * stride - 1))
    inside = K.ranges_to_mask(
        K.slot_ranges(sp, stride, n_slots, step, length, inside=True), 2, n_slots
    )
    hits = K.ranges_to_mask(
        K.slot_ranges(sp, stride, n_slots, step, length, inside=False), 2, n_slots
    )
    for k in range(n_slots):
        iv = Interval(origin + k * step, origin + k * step + length)
        assert inside[1, k] == a.covers(iv), k
        assert hits[1, k] == a.overlaps(iv), k
        assert not inside[0, k]


def test_naive_datetimes_are_refused_with_a_clear_error() -> None:
    with pytest.raises(NaiveDatetimeError, match="no timezone"):
        Interval.of(datetime(2025, 1, 1), datetime(2025, 1, 2, tzinfo=UTC))
    with pytest.raises(NaiveDatetimeError):
        IntervalSet().contains(datetime(2025, 1, 1))


def test_any_zone_in_any_zone_out_and_minute_truncation() -> None:
    london = ZoneInfo("Europe/London")
    iv = Interval.of(
        datetime(2025, 7, 1, 10, 0, 59, tzinfo=london), datetime(2025, 7, 1, 11, tzinfo=london)
    )
    assert iv.start == datetime(2025, 7, 1, 9, 0, tzinfo=UTC)
    assert iv.duration == timedelta(hours=1)
    with pytest.raises(ValueError, match="before"):
        Interval.of(datetime(2025, 1, 2, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC))


def test_half_open_touching_intervals_merge_and_do_not_overlap() -> None:
    a = IntervalSet.from_spans([(0, 10), (10, 20)])
    assert a.spans == ((0, 20),)
    assert not IntervalSet.from_spans([(0, 10)]).overlaps(Interval(10, 20))


def test_by_day_splits_at_local_midnight_across_dst() -> None:
    # 2025-03-29 12:00 UTC to 2025-03-31 12:00 UTC seen from London (BST from 30 March 01:00 UTC)
    s = IntervalSet.span(
        datetime(2025, 3, 29, 12, tzinfo=UTC), datetime(2025, 3, 31, 12, tzinfo=UTC)
    )
    days = dict(s.by_day("Europe/London"))
    assert list(days) == [date(2025, 3, 29), date(2025, 3, 30), date(2025, 3, 31)]
    assert days[date(2025, 3, 30)].duration == timedelta(hours=23)  # the short day
    assert days[date(2025, 3, 31)].bounds == Interval.of(
        datetime(2025, 3, 30, 23, tzinfo=UTC), datetime(2025, 3, 31, 12, tzinfo=UTC)
    )
    assert sum((d.duration for d in days.values()), timedelta()) == s.duration
