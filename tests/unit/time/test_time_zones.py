"""Wall time → UTC with the contract's rule: gaps move forward, overlaps take the first."""
# ruff: noqa: DTZ001 - naive datetimes here are wall-clock times on purpose

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadence.time.zones import UnknownTimezoneError, get_zone, resolve_local

from .reference import ref_resolve

ZONES = ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc,arg-type]


@pytest.mark.parametrize(
    ("zone", "wall", "expected"),
    [
        # London: 30 Mar 2025 01:00 GMT -> 02:00 BST (gap 01:00-02:00)
        ("Europe/London", datetime(2025, 3, 30, 0, 59), utc(2025, 3, 30, 0, 59)),
        ("Europe/London", datetime(2025, 3, 30, 1, 0), utc(2025, 3, 30, 1, 0)),
        ("Europe/London", datetime(2025, 3, 30, 1, 30), utc(2025, 3, 30, 1, 0)),
        ("Europe/London", datetime(2025, 3, 30, 2, 0), utc(2025, 3, 30, 1, 0)),
        ("Europe/London", datetime(2025, 3, 30, 2, 1), utc(2025, 3, 30, 1, 1)),
        # London: 26 Oct 2025 02:00 BST -> 01:00 GMT (01:00-02:00 twice): first instance
        ("Europe/London", datetime(2025, 10, 26, 1, 0), utc(2025, 10, 26, 0, 0)),
        ("Europe/London", datetime(2025, 10, 26, 1, 59), utc(2025, 10, 26, 0, 59)),
        ("Europe/London", datetime(2025, 10, 26, 2, 0), utc(2025, 10, 26, 2, 0)),
        # New York: 9 Mar 2025 02:00 EST -> 03:00 EDT; 2 Nov 2025 02:00 EDT -> 01:00 EST
        ("America/New_York", datetime(2025, 3, 9, 2, 30), utc(2025, 3, 9, 7, 0)),
        ("America/New_York", datetime(2025, 3, 9, 3, 0), utc(2025, 3, 9, 7, 0)),
        ("America/New_York", datetime(2025, 11, 2, 1, 30), utc(2025, 11, 2, 5, 30)),
        ("America/New_York", datetime(2025, 11, 2, 2, 30), utc(2025, 11, 2, 7, 30)),
        # Lord Howe: half-hour DST. 5 Oct 2025 02:00 (+10:30) -> 02:30 (+11)
        ("Australia/Lord_Howe", datetime(2025, 10, 5, 2, 15), utc(2025, 10, 4, 15, 30)),
        ("Australia/Lord_Howe", datetime(2025, 10, 5, 2, 30), utc(2025, 10, 4, 15, 30)),
        # 6 Apr 2025 02:00 (+11) -> 01:30 (+10:30): 01:30-02:00 twice, first instance
        ("Australia/Lord_Howe", datetime(2025, 4, 6, 1, 45), utc(2025, 4, 5, 14, 45)),
        ("Australia/Lord_Howe", datetime(2025, 4, 6, 2, 0), utc(2025, 4, 5, 15, 30)),
        # Kolkata: no DST, +05:30 all year
        ("Asia/Kolkata", datetime(2025, 3, 30, 1, 30), utc(2025, 3, 29, 20, 0)),
        ("Asia/Kolkata", datetime(2025, 10, 26, 1, 30), utc(2025, 10, 25, 20, 0)),
    ],
)
def test_gap_moves_forward_overlap_takes_first(
    zone: str, wall: datetime, expected: datetime
) -> None:
    assert resolve_local(wall, zone) == expected
    assert ref_resolve(wall, zone) == expected


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(ZONES),
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)),
)
def test_matches_the_datetime_definition(zone: str, wall: datetime) -> None:
    wall = wall.replace(second=0, microsecond=0)
    assert resolve_local(wall, zone) == ref_resolve(wall, zone)


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(ZONES), st.integers(2021, 2029), st.sampled_from([3, 4, 10, 11]))
def test_every_minute_around_transitions(zone: str, year: int, month: int) -> None:
    """Dense check on the days that have transitions: every 15 minutes of the month's
    Sundays (when all these zones change)."""
    d = datetime(year, month, 1)
    while d.month == month:
        if d.weekday() == 6:
            for q in range(0, 24 * 60, 15):
                wall = d + timedelta(minutes=q)
                assert resolve_local(wall, zone) == ref_resolve(wall, zone)
        d += timedelta(days=1)


def test_unknown_zone() -> None:
    with pytest.raises(UnknownTimezoneError):
        get_zone("Mars/Olympus_Mons")
    with pytest.raises(UnknownTimezoneError):
        get_zone("../etc/passwd")
