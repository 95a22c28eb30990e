"""Find-a-time over stored data: load everybody's layers and busy time once, ask the core.

The ranking and the semantics are the pure core's (`cadence.time.findtime`); this module
only checks tenancy (every listed person must be a member of the organisation, else 404) and
builds the core's `Person` values with two availability queries and three busy-time queries,
whatever the number of people, plus two for the organisation's holiday calendars (applied
to everybody asked, in the organisation's zone). Resources (rooms, kit) asked for must be
the organisation's (else 404) and all free: their layers and the events that book them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from cadence.availability.holidays import holidays_of
from cadence.availability.resources import ensure_resources, resources_availability
from cadence.availability.service import availability_of
from cadence.calendar.busy import busy_of, resource_busy_of
from cadence.calendar.service import ensure_members
from cadence.context import Ctx
from cadence.errors import InvalidInput
from cadence.time.findtime import FindTimeError, Person, Slot, find_a_time

MAX_WINDOW = timedelta(days=366)


def check_window(window_start: datetime, window_end: datetime) -> None:
    if window_end <= window_start:
        raise InvalidInput("window_end must be after window_start.", field="window_end")
    if window_end - window_start > MAX_WINDOW:
        raise InvalidInput("The window may be at most 366 days long.", field="window_end")


async def people(
    ctx: Ctx,
    user_ids: Sequence[str],
    window_start: datetime,
    window_end: datetime,
    *,
    org_id: str | None = None,
) -> list[Person]:
    """The core's view of each person over the window: layers and busy time.

    With ``org_id``, that organisation's holiday calendars are layered onto everybody.
    """
    ids = list(dict.fromkeys(user_ids))
    layers = await availability_of(ctx, ids, window_start=window_start, window_end=window_end)
    if org_id is not None:
        holidays = await holidays_of(
            ctx, org_id=org_id, window_start=window_start, window_end=window_end
        )
        if holidays:
            layers = {uid: replace(av, holidays=holidays) for uid, av in layers.items()}
    busy = await busy_of(ctx, ids, window_start, window_end)
    return [Person(uid, layers[uid], busy[uid]) for uid in ids]


async def resources(
    ctx: Ctx,
    resource_ids: Sequence[str],
    window_start: datetime,
    window_end: datetime,
    *,
    org_id: str,
    skip_event: str | None = None,
) -> list[Person]:
    """The core's view of each resource (layers and bookings); another org's answers 404."""
    ids = list(dict.fromkeys(resource_ids))
    if not ids:
        return []
    layers = await resources_availability(
        ctx, org_id=org_id, resource_ids=ids, window_start=window_start, window_end=window_end
    )
    busy = await resource_busy_of(ctx, ids, window_start, window_end, skip_event=skip_event)
    return [Person(rid, layers[rid], busy[rid]) for rid in ids]


async def find_time(
    ctx: Ctx,
    *,
    org_id: str,
    required: Sequence[str],
    optional: Sequence[str],
    duration: timedelta,
    window_start: datetime,
    window_end: datetime,
    granularity: timedelta,
    min_attendees: int,
    limit: int,
    resource_ids: Sequence[str] = (),
) -> list[Slot]:
    listed = list(dict.fromkeys([*required, *optional]))
    await ensure_members(ctx, org_id=org_id, user_ids=listed)
    await ensure_resources(ctx, org_id=org_id, resource_ids=resource_ids)
    check_window(window_start, window_end)
    rooms = await resources(ctx, resource_ids, window_start, window_end, org_id=org_id)
    asked = await people(ctx, listed, window_start, window_end, org_id=org_id)
    try:
        return find_a_time(
            asked,
            required=required,
            optional=optional,
            duration=duration,
            window_start=window_start,
            window_end=window_end,
            granularity=granularity,
            min_attendees=min_attendees,
            limit=limit,
            resources=rooms,
        )
    except FindTimeError as exc:
        raise InvalidInput(exc.message, field=exc.field) from None
