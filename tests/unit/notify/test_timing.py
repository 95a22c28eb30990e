"""Quiet hours in the person's zone, reminder offsets and digest windows (pure parts)."""

from __future__ import annotations

from datetime import UTC, datetime

from cadence.notify.digest import window_end
from cadence.notify.models import NotificationSettings
from cadence.notify.timing import deliver_at, quiet_until, reminder_minutes


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def quiet(start: str, end: str) -> NotificationSettings:
    return NotificationSettings(user_id="u", reminder_minutes=[], quiet_start=start, quiet_end=end)


def test_quiet_hours_wrapping_midnight_end_the_next_local_morning() -> None:
    row = quiet("22:00", "07:00")
    # 23:30 in New York (EDT, UTC-4) is 03:30 UTC; quiet until 07:00 EDT = 11:00 UTC.
    assert quiet_until(row, "America/New_York", at(2026, 7, 2, 3, 30)) == at(2026, 7, 2, 11, 0)
    # 05:00 local, still quiet, ends the same morning.
    assert quiet_until(row, "America/New_York", at(2026, 7, 2, 9, 0)) == at(2026, 7, 2, 11, 0)
    # 07:00 local exactly: no longer quiet; 21:59: not yet.
    assert quiet_until(row, "America/New_York", at(2026, 7, 2, 11, 0)) is None
    assert quiet_until(row, "America/New_York", at(2026, 7, 3, 1, 59)) is None


def test_quiet_hours_within_one_day_and_across_a_dst_change() -> None:
    row = quiet("12:00", "14:00")
    assert quiet_until(row, "Europe/London", at(2026, 1, 5, 12, 30)) == at(2026, 1, 5, 14, 0)
    assert quiet_until(row, "Europe/London", at(2026, 7, 5, 12, 30)) == at(2026, 7, 5, 13, 0)
    night = quiet("23:00", "07:00")
    # London, night of 28/29 March 2026 (clocks go forward at 01:00 UTC): 07:00 BST = 06:00 UTC.
    assert quiet_until(night, "Europe/London", at(2026, 3, 28, 23, 30)) == at(2026, 3, 29, 6, 0)


def test_no_quiet_hours_and_deadlines() -> None:
    assert quiet_until(None, "UTC", at(2026, 1, 1, 3, 0)) is None
    row = quiet("22:00", "07:00")
    now = at(2026, 1, 1, 23, 0)
    assert deliver_at(row, "UTC", now, not_after=None) == at(2026, 1, 2, 7, 0)
    # A reminder whose event starts before quiet hours end goes at once.
    assert deliver_at(row, "UTC", now, not_after=at(2026, 1, 2, 6, 0)) is None
    assert deliver_at(row, "UTC", now, not_after=at(2026, 1, 2, 9, 0)) == at(2026, 1, 2, 7, 0)


def test_reminder_minutes_default_and_custom() -> None:
    assert reminder_minutes(None) == [1440, 120]
    row = NotificationSettings(user_id="u", reminder_minutes=[15, 60, 15])
    assert reminder_minutes(row) == [60, 15]


def test_digest_windows_are_fixed_and_end_after_now() -> None:
    assert window_end(at(2026, 7, 1, 10, 5), 60) == at(2026, 7, 1, 11, 0)
    assert window_end(at(2026, 7, 1, 11, 0), 60) == at(2026, 7, 1, 12, 0)
    assert window_end(at(2026, 7, 1, 11, 0), 15) == at(2026, 7, 1, 11, 15)
