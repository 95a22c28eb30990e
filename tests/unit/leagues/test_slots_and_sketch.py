"""Pure parts of the leagues app: kick-off slots across clock changes, and the drawings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from cadence.errors import InvalidInput
from cadence.leagues.sketch import bars, points
from cadence.leagues.slots import from_text, rounds_needed, to_text, weekly_slots


def test_rounds_needed_counts_a_bye_for_an_odd_league() -> None:
    assert rounds_needed(8, double=True) == 14
    assert rounds_needed(8, double=False) == 7
    assert rounds_needed(5, double=False) == 5
    assert rounds_needed(1, double=True) == 0


def test_weekly_slots_keep_local_kick_off_across_the_autumn_change() -> None:
    got = weekly_slots(
        zone="Europe/London",
        start=date(2030, 10, 16),  # a Wednesday: the first slot is the Sunday after
        weekday=6,
        kick_off=time(14, 30),
        count=3,
        skip={date(2030, 10, 27)},
    )
    assert got == [
        datetime(2030, 10, 20, 13, 30, tzinfo=UTC),  # BST
        datetime(2030, 11, 3, 14, 30, tzinfo=UTC),  # GMT; the 27th is skipped
        datetime(2030, 11, 10, 14, 30, tzinfo=UTC),
    ]
    assert from_text(to_text(got)) == got


def test_a_skipped_wall_time_moves_forward() -> None:
    # 01:30 on the spring-forward Sunday does not exist in London: 02:00 BST = 01:00 UTC.
    got = weekly_slots(
        zone="Europe/London", start=date(2030, 3, 31), weekday=6, kick_off=time(1, 30), count=1
    )
    assert got == [datetime(2030, 3, 31, 1, 0, tzinfo=UTC)]


def test_slots_must_be_aware_and_increasing() -> None:
    with pytest.raises(InvalidInput):
        to_text([datetime(2030, 1, 1, 12, 0)])  # noqa: DTZ001 - the point of the test
    with pytest.raises(InvalidInput):
        to_text([datetime(2030, 1, 2, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)])


def test_bars_longest_first_and_points_inside_the_box() -> None:
    drawn, height = bars([("A", 10), ("B", 40), ("C", 0)])
    assert [b.label for b in drawn] == ["B", "A", "C"]
    assert drawn[0].width > drawn[1].width > drawn[2].width == 0
    assert height > 3 * 22
    placed = points(
        [("North", 53.6, -2.2, "x"), ("South", 53.4, -2.2, "y"), ("Nowhere", None, None, "z")]
    )
    assert [p.label for p in placed] == ["North", "South"]
    north, south = placed
    assert north.y < south.y and north.x == south.x
    assert all(0 <= p.x <= 560 and 0 <= p.y <= 320 for p in placed)
