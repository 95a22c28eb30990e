from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cadence.jobs.cron import Cron
from cadence.jobs.service import backoff


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc,arg-type]


@pytest.mark.parametrize(
    ("expr", "after", "expected"),
    [
        ("*/10 * * * *", at(2026, 1, 1, 12, 3), at(2026, 1, 1, 12, 10)),
        ("*/10 * * * *", at(2026, 1, 1, 12, 10), at(2026, 1, 1, 12, 20)),
        ("17 3 * * *", at(2026, 1, 1, 12, 0), at(2026, 1, 2, 3, 17)),
        ("0 9 * * 1-5", at(2026, 1, 2, 10, 0), at(2026, 1, 5, 9, 0)),  # Fri -> Mon
        ("0 0 1 * *", at(2026, 1, 31, 0, 0), at(2026, 2, 1, 0, 0)),
        ("0 0 29 2 *", at(2026, 3, 1, 0, 0), at(2028, 2, 29, 0, 0)),
        ("30 8 * * 7", at(2026, 1, 1, 0, 0), at(2026, 1, 4, 8, 30)),  # 7 = Sunday
        ("0 12 13 * 5", at(2026, 1, 1, 0, 0), at(2026, 1, 2, 12, 0)),  # dom OR dow
        ("5,35 1-2 * * *", at(2026, 1, 1, 1, 36), at(2026, 1, 1, 2, 5)),
    ],
)
def test_next_after(expr: str, after: datetime, expected: datetime) -> None:
    assert Cron.parse(expr).next_after(after) == expected


@pytest.mark.parametrize("expr", ["* * * *", "60 * * * *", "*/0 * * * *", "5-1 * * * *"])
def test_bad_expressions_are_refused(expr: str) -> None:
    with pytest.raises(ValueError, match="cron"):
        Cron.parse(expr)


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    for attempt, ceiling in [(1, 5), (2, 10), (3, 20), (10, 100)]:
        values = [backoff(attempt, base=5, cap=100) for _ in range(50)]
        assert all(ceiling / 2 <= v <= ceiling for v in values)
        assert len(set(values)) > 1
