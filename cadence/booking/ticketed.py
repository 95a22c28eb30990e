"""Ticketed events: a calendar event with a seat pool, the unit both the events app and the
venues app (event nights) sell. It lives in the engine so that no app imports another."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from cadence.accounts.models import Organisation, User
from cadence.audit import service as audit
from cadence.booking.keys import signing_key
from cadence.booking.service import create_seat_pool
from cadence.calendar.models import Event
from cadence.context import Ctx
from cadence.db import new_id
from cadence.errors import InvalidInput
from cadence.notify.reminders import reschedule_reminders

MAX_CAPACITY = 1_000_000


def check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise InvalidInput("An event must end after it starts.", field="ends_at")


def check_capacity(capacity: int) -> None:
    if not 0 <= capacity <= MAX_CAPACITY:
        raise InvalidInput(f"Capacity must be between 0 and {MAX_CAPACITY}.", field="capacity")


async def create_ticketed_event(
    ctx: Ctx,
    *,
    org: Organisation,
    by: User,
    name: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    description: str | None = None,
    category: str | None = None,
    venue: str | None = None,
    draft: bool = False,
    timezone: str | None = None,
) -> Event:
    check_times(starts_at, ends_at)
    check_capacity(capacity)
    if timezone is not None and timezone not in zoneinfo.available_timezones():
        raise InvalidInput(f"Unknown timezone {timezone!r}.", field="timezone")
    host = ctx.settings.public_host
    now = ctx.now()
    event = Event(
        org_id=org.id,
        uid=f"{new_id()}@{host or 'cadence'}",
        name=name,
        description=description,
        category=category,
        venue=venue,
        kind="ticketed",
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=timezone or org.timezone,
        published=not draft,
        created_by=by.id,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(event)
    await ctx.session.flush()
    await create_seat_pool(ctx, event=event, capacity=capacity)
    await signing_key(ctx, org.id)  # so door scanners can fetch the key before the first sale
    await audit.record(
        ctx,
        org_id=org.id,
        action="event.create",
        target_type="event",
        target_id=event.id,
        after={"name": name, "capacity": capacity, "published": not draft},
    )
    await reschedule_reminders(ctx, event.id)
    return event
