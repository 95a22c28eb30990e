"""Sales windows typed as local wall times follow the time core's rule for clock changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from cadence.booking.ticket_types import sales_instant
from cadence.errors import InvalidInput

LONDON = ZoneInfo("Europe/London")


def test_an_ordinary_local_time_is_the_same_instant_as_datetime_says() -> None:
    wall = datetime(2027, 6, 1, 9, 30, tzinfo=LONDON)
    assert sales_instant(wall, "sales_start") == datetime(2027, 6, 1, 8, 30, tzinfo=UTC)


def test_a_skipped_local_time_is_refused_with_the_first_valid_time() -> None:
    # 2027-03-28: London's clocks go from 01:00 GMT to 02:00 BST; 01:30 never happens.
    # `datetime` would silently read it as 01:30 GMT (02:30 BST).
    with pytest.raises(InvalidInput) as refused:
        sales_instant(datetime(2027, 3, 28, 1, 30, tzinfo=LONDON), "sales_start")
    assert refused.value.status == 422 and refused.value.extra["field"] == "sales_start"
    assert "does not exist in Europe/London" in refused.value.detail
    assert "02:00" in refused.value.detail


def test_a_repeated_local_time_is_its_first_instance() -> None:
    # 2027-10-31: London's clocks go back from 02:00 BST to 01:00 GMT; 01:30 happens twice.
    first = sales_instant(datetime(2027, 10, 31, 1, 30, tzinfo=LONDON), "sales_end")
    assert first == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 01:30 BST
    second = sales_instant(datetime(2027, 10, 31, 1, 30, fold=1, tzinfo=LONDON), "sales_end")
    assert second == first  # the rule, whatever `fold` the caller happened to set


def test_the_edges_of_a_gap_are_valid_and_seconds_are_kept() -> None:
    before = sales_instant(datetime(2027, 3, 28, 0, 59, 30, tzinfo=LONDON), "sales_start")
    assert before == datetime(2027, 3, 28, 0, 59, 30, tzinfo=UTC)
    after = sales_instant(datetime(2027, 3, 28, 2, 0, tzinfo=LONDON), "sales_start")
    assert after == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)


def test_fixed_offsets_and_none_pass_unchanged() -> None:
    instant = datetime(2027, 3, 28, 1, 30, tzinfo=timezone(timedelta(hours=1)))
    assert sales_instant(instant, "sales_start") is instant
    assert sales_instant(None, "sales_end") is None
