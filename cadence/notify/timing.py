"""When a person wants to hear about things: reminder offsets, quiet hours, digest window.

Quiet hours are a local wall-clock window ("22:00" to "07:00" may wrap past midnight) in the
person's own timezone. Non-urgent channels (email, Web Push) wait until it ends; in-app
notifications are silent and are never held back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from cadence.context import Ctx
from cadence.errors import InvalidInput
from cadence.notify.models import NotificationSettings
from cadence.time.zones import get_zone

DEFAULT_REMINDER_MINUTES: tuple[int, ...] = (24 * 60, 2 * 60)
MAX_REMINDER_MINUTES = 28 * 24 * 60


async def settings_of(ctx: Ctx, user_id: str) -> NotificationSettings | None:
    return (
        await ctx.session.scalars(
            select(NotificationSettings).where(NotificationSettings.user_id == user_id)
        )
    ).first()


async def settings_for(ctx: Ctx, user_ids: Sequence[str]) -> dict[str, NotificationSettings]:
    if not user_ids:
        return {}
    rows = await ctx.session.scalars(
        select(NotificationSettings).where(NotificationSettings.user_id.in_(list(user_ids)))
    )
    return {row.user_id: row for row in rows}


def reminder_minutes(row: NotificationSettings | None) -> list[int]:
    """The person's offsets before an event's start, largest first (default 24 h and 2 h)."""
    chosen = DEFAULT_REMINDER_MINUTES if row is None else row.reminder_minutes
    return sorted({int(m) for m in chosen}, reverse=True)


def _parse_clock(value: str | None, field: str) -> time | None:
    if value is None:
        return None
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise InvalidInput(f"{field} must be a time like 22:00.", field=field) from exc


async def update_settings(
    ctx: Ctx,
    *,
    user_id: str,
    reminder_minutes: Sequence[int] | None = None,
    quiet_start: str | None = None,
    quiet_end: str | None = None,
    digest_minutes: int | None = None,
) -> NotificationSettings:
    """Set a person's timing preferences (quiet hours: both times or neither)."""
    if (quiet_start is None) != (quiet_end is None):
        raise InvalidInput("Send both quiet_start and quiet_end, or neither.", field="quiet_end")
    _parse_clock(quiet_start, "quiet_start")
    _parse_clock(quiet_end, "quiet_end")
    minutes = list(DEFAULT_REMINDER_MINUTES if reminder_minutes is None else reminder_minutes)
    if any(not 0 < m <= MAX_REMINDER_MINUTES for m in minutes):
        raise InvalidInput("Reminders go 1 minute to 28 days ahead.", field="reminder_minutes")
    if digest_minutes is not None and not 5 <= digest_minutes <= 7 * 24 * 60:
        raise InvalidInput("A digest window is 5 minutes to 7 days.", field="digest_minutes")
    row = await settings_of(ctx, user_id)
    if row is None:
        row = NotificationSettings(user_id=user_id, reminder_minutes=[])
        ctx.session.add(row)
    row.reminder_minutes = sorted(set(minutes), reverse=True)
    row.quiet_start, row.quiet_end, row.digest_minutes = quiet_start, quiet_end, digest_minutes
    await ctx.session.flush()
    return row


def quiet_until(row: NotificationSettings | None, zone: str, now: datetime) -> datetime | None:
    """The end of the quiet hours `now` falls in (UTC), or None outside them."""
    if row is None:
        return None
    start = _parse_clock(row.quiet_start, "quiet_start")
    end = _parse_clock(row.quiet_end, "quiet_end")
    if start is None or end is None or start == end:
        return None
    tz: ZoneInfo = get_zone(zone)
    local = now.astimezone(tz)
    at = local.time().replace(tzinfo=None)
    inside = (start <= at < end) if start < end else (at >= start or at < end)
    if not inside:
        return None
    day = local.date() if at < end else local.date() + timedelta(days=1)
    wall = datetime.combine(day, end)
    # A wall time skipped by a DST gap is resolved forwards by fold=0 arithmetic in UTC.
    return wall.replace(tzinfo=tz).astimezone(now.tzinfo)


def deliver_at(
    row: NotificationSettings | None, zone: str, now: datetime, *, not_after: datetime | None
) -> datetime | None:
    """When a non-urgent channel may deliver: None for now, else the end of quiet hours.

    `not_after` (an event's start, for a reminder) wins over quiet hours: a reminder that
    would only arrive after the event starts is sent at once instead.
    """
    until = quiet_until(row, zone, now)
    if until is None or (not_after is not None and until >= not_after):
        return None
    return until
