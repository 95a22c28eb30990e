"""Calendar events of an organisation: one-off and recurring, overrides, attendees, RSVPs.

Every change bumps `sequence` (what iCalendar clients compare to take the newer copy) and
`version` (the optimistic edit check: an update names the version it was based on, and a
stale one answers 409). Creating or moving an event answers conflict warnings: for every
attendee, what the event's occurrences (the first year of a series, at most 52) overlap
among their other events and imported calendars. Resources of the organisation (rooms, kit)
can be booked by an event: its occurrences are then the resource's busy time, and creating
or moving the event also warns where a resource is booked by another event or closed (its
weekly pattern, the organisation's holidays, its exceptions). Warnings never refuse the change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from cadence.accounts.models import Membership
from cadence.accounts.roles import Role
from cadence.audit import service as audit
from cadence.availability.models import OrgResource
from cadence.availability.resources import ensure_resources, resources_availability
from cadence.calendar.busy import busy_of, resource_busy_of
from cadence.calendar.convert import occurrences_of, overrides_of, series_of
from cadence.calendar.models import Event, EventAttendee, EventOverride, EventResource
from cadence.context import Ctx
from cadence.db import new_id
from cadence.errors import InvalidInput, NotFound, PermissionDenied, StaleEdit
from cadence.notify.reminders import reschedule_reminders
from cadence.time.conflicts import find_conflicts
from cadence.time.intervals import Interval
from cadence.time.layers import build_timeline
from cadence.time.recurrence import Occurrence, expand
from cadence.time.zones import get_zone

CALENDAR_KIND = "calendar"
RSVPS = ("needs_action", "accepted", "tentative", "declined")
CONFLICT_HORIZON = timedelta(days=366)
CONFLICT_OCCURRENCES = 52
EDITABLE = (
    "name",
    "description",
    "category",
    "venue",
    "starts_at",
    "ends_at",
    "timezone",
    "rrule",
    "exdates",
)


@dataclass(frozen=True)
class ConflictWarning:
    user_id: str
    starts_at: datetime
    ends_at: datetime
    busy_starts_at: datetime
    busy_ends_at: datetime
    title: str | None


@dataclass(frozen=True)
class ResourceConflict:
    """A booked resource is taken (`busy`, by another event) or closed (`closed`) then."""

    resource_id: str
    starts_at: datetime
    ends_at: datetime
    reason: str
    busy_starts_at: datetime | None = None
    busy_ends_at: datetime | None = None
    title: str | None = None


async def ensure_members(ctx: Ctx, *, org_id: str, user_ids: Sequence[str]) -> None:
    wanted = set(user_ids)
    if not wanted:
        return
    found = set(
        (
            await ctx.session.scalars(
                select(Membership.user_id).where(
                    Membership.org_id == org_id, Membership.user_id.in_(wanted)
                )
            )
        ).all()
    )
    missing = [u for u in user_ids if u not in found]
    if missing:
        raise NotFound(f"No member {missing[0]!r} in this organisation.")


def _iso(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")


def _validate(event: Event) -> None:
    if event.ends_at <= event.starts_at:
        raise InvalidInput("An event must end after it starts.", field="ends_at")
    try:
        get_zone(event.timezone)
    except ValueError:
        raise InvalidInput(f"Unknown timezone {event.timezone!r}.", field="timezone") from None
    if event.rrule is not None:
        if any(c in event.rrule for c in "\r\n") or event.rrule.upper().startswith("RRULE:"):
            raise InvalidInput("Send the RRULE value only, on one line.", field="rrule")
        try:
            expand(series_of(event), event.starts_at, event.starts_at + timedelta(days=1))
        except (ValueError, TypeError) as exc:
            raise InvalidInput(f"Invalid RRULE: {exc}", field="rrule") from None


def _snapshot(event: Event) -> dict[str, Any]:
    return {
        "name": event.name,
        "starts_at": _iso(event.starts_at),
        "ends_at": _iso(event.ends_at),
        "timezone": event.timezone,
        "rrule": event.rrule,
        "status": event.status,
        "sequence": event.sequence,
    }


async def get_event(ctx: Ctx, *, event_id: str, user_id: str) -> tuple[Event, Membership | None]:
    """The event if the caller may see it (member of its org or attendee), else 404."""
    event = await ctx.session.get(Event, event_id)
    if event is None:
        raise NotFound("No such event.")
    membership = (
        await ctx.session.scalars(
            select(Membership).where(
                Membership.org_id == event.org_id, Membership.user_id == user_id
            )
        )
    ).first()
    if membership is None:
        attendee = await ctx.session.scalar(
            select(EventAttendee.id).where(
                EventAttendee.event_id == event_id, EventAttendee.user_id == user_id
            )
        )
        if attendee is None:
            raise NotFound("No such event.")
    return event, membership


def ensure_can_edit(event: Event, membership: Membership | None, user_id: str) -> None:
    if membership is None:
        raise NotFound("No such event.")
    role = Role(membership.role)
    if role.at_least(Role.manager):
        return
    if role.at_least(Role.member) and event.created_by == user_id:
        return
    raise PermissionDenied("Only its creator or a manager can change this event.")


async def attendees_of(ctx: Ctx, event_id: str) -> list[EventAttendee]:
    query = select(EventAttendee).where(EventAttendee.event_id == event_id)
    return list((await ctx.session.scalars(query.order_by(EventAttendee.id))).all())


async def resources_of(ctx: Ctx, event_id: str) -> list[str]:
    """The resources the event books, by name."""
    query = (
        select(EventResource.resource_id)
        .join(OrgResource, OrgResource.id == EventResource.resource_id)
        .where(EventResource.event_id == event_id)
        .order_by(OrgResource.name, OrgResource.id)
    )
    return list((await ctx.session.scalars(query)).all())


async def set_resources(ctx: Ctx, event: Event, resource_ids: Sequence[str]) -> None:
    """Make the event book exactly these resources of its organisation (404 for others)."""
    wanted = list(dict.fromkeys(resource_ids))
    await ensure_resources(ctx, org_id=event.org_id, resource_ids=wanted)
    current = await resources_of(ctx, event.id)
    gone = [r for r in current if r not in wanted]
    if gone:
        await ctx.session.execute(
            delete(EventResource).where(
                EventResource.event_id == event.id, EventResource.resource_id.in_(gone)
            )
        )
    for rid in wanted:
        if rid not in current:
            ctx.session.add(EventResource(event_id=event.id, resource_id=rid))
    await ctx.session.flush()


async def _checked_occurrences(ctx: Ctx, event: Event) -> list[Occurrence]:
    """The occurrences conflicts are checked for: the first year of a series, at most 52."""
    overrides = (await overrides_of(ctx, [event.id])).get(event.id, [])
    start = event.starts_at
    occurrences = occurrences_of(event, overrides, start, start + CONFLICT_HORIZON)
    return occurrences[:CONFLICT_OCCURRENCES]


async def resource_conflicts_for(ctx: Ctx, event: Event) -> list[ResourceConflict]:
    """Where the event's booked resources are taken by another event, or closed."""
    booked = await resources_of(ctx, event.id)
    if not booked or event.status == "cancelled":
        return []
    occurrences = await _checked_occurrences(ctx, event)
    if not occurrences:
        return []
    span = Interval.of(min(o.start for o in occurrences), max(o.end for o in occurrences))
    layers = await resources_availability(
        ctx, org_id=event.org_id, resource_ids=booked, window_start=span.start,
        window_end=span.end,
    )  # fmt: skip
    timelines = {rid: build_timeline(av, span) for rid, av in layers.items()}
    busy = await resource_busy_of(ctx, booked, span.start, span.end, skip_event=event.id)
    out = []
    for occ in occurrences:
        for c in find_conflicts(occ.start, occ.end, busy, availability=timelines):
            if c.busy is None:
                out.append(ResourceConflict(c.who, occ.start, occ.end, "closed"))
            else:
                out.append(
                    ResourceConflict(
                        c.who, occ.start, occ.end, "busy", c.busy.start, c.busy.end, c.busy.title
                    )
                )
    return out


async def conflicts_for(ctx: Ctx, event: Event) -> list[ConflictWarning]:
    people = [a.user_id for a in await attendees_of(ctx, event.id) if a.rsvp != "declined"]
    if not people or event.status == "cancelled":
        return []
    occurrences = await _checked_occurrences(ctx, event)
    if not occurrences:
        return []
    span_start = min(o.start for o in occurrences)
    span_end = max(o.end for o in occurrences)
    busy = await busy_of(ctx, people, span_start, span_end, skip_event=event.id)
    warnings = []
    for occ in occurrences:
        for c in find_conflicts(occ.start, occ.end, busy):
            if c.busy is not None:
                warnings.append(
                    ConflictWarning(
                        c.who, occ.start, occ.end, c.busy.start, c.busy.end, c.busy.title
                    )
                )
    return warnings


async def create_event(
    ctx: Ctx,
    *,
    org_id: str,
    creator_id: str,
    fields: dict[str, Any],
    attendees: Sequence[str],
    resources: Sequence[str] = (),
) -> Event:
    now = ctx.now()
    exdates = [_iso(d) for d in fields.pop("exdates", None) or []]
    event = Event(
        org_id=org_id,
        uid=f"{new_id()}@cadence",
        kind=CALENDAR_KIND,
        created_by=creator_id,
        created_at=now,
        updated_at=now,
        exdates=exdates,
        rdates=[],
        extra={},
        sequence=0,
        version=1,
        status="confirmed",
        published=True,
        **fields,
    )
    _validate(event)
    ctx.session.add(event)
    await ctx.session.flush()
    await ensure_members(ctx, org_id=org_id, user_ids=list(attendees))
    for user_id in dict.fromkeys(attendees):
        ctx.session.add(EventAttendee(event_id=event.id, user_id=user_id, rsvp="needs_action"))
    await ctx.session.flush()
    if resources:
        await set_resources(ctx, event, resources)
    await audit.record(
        ctx,
        org_id=org_id,
        action="calendar_event.create",
        target_type="event",
        target_id=event.id,
        after={**_snapshot(event), "resources": list(dict.fromkeys(resources))},
    )
    await reschedule_reminders(ctx, event.id)
    return event


def _bump(ctx: Ctx, event: Event) -> None:
    event.sequence += 1
    event.version += 1
    event.updated_at = ctx.now()


def _check_version(event: Event, version: int) -> None:
    if version != event.version:
        raise StaleEdit(
            f"The event changed since version {version}; it is at version {event.version}.",
            version=event.version,
        )


async def update_event(ctx: Ctx, event: Event, *, version: int, changes: dict[str, Any]) -> Event:
    _check_version(event, version)
    if event.status == "cancelled":
        raise InvalidInput("A cancelled event cannot be changed.", field="status")
    before = _snapshot(event)
    if changes.get("resources") is not None:
        before["resources"] = await resources_of(ctx, event.id)
        await set_resources(ctx, event, changes["resources"])
    for key, value in changes.items():
        if key not in EDITABLE:
            continue
        if key == "exdates":
            value = [_iso(d) for d in value or []]
        setattr(event, key, value)
    _validate(event)
    _bump(ctx, event)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=event.org_id,
        action="calendar_event.update",
        target_type="event",
        target_id=event.id,
        before=before,
        after={**_snapshot(event), "resources": await resources_of(ctx, event.id)},
    )
    await reschedule_reminders(ctx, event.id)
    return event


async def cancel_event(ctx: Ctx, event: Event, *, version: int | None) -> Event:
    if version is not None:
        _check_version(event, version)
    if event.status != "cancelled":
        event.status = "cancelled"
        _bump(ctx, event)
        await ctx.session.flush()
        await audit.record(
            ctx,
            org_id=event.org_id,
            action="calendar_event.cancel",
            target_type="event",
            target_id=event.id,
        )
    await reschedule_reminders(ctx, event.id)
    return event


async def set_override(
    ctx: Ctx,
    event: Event,
    *,
    recurrence_id: datetime,
    starts_at: datetime | None,
    ends_at: datetime | None,
    cancelled: bool,
    name: str | None,
) -> EventOverride:
    """Move, rename or cancel one occurrence (named by its original start)."""
    if event.rrule is None:
        raise InvalidInput(
            "Only a recurring event has occurrences to change.", field="recurrence_id"
        )
    originals = expand(
        series_of(event), recurrence_id - timedelta(minutes=1), recurrence_id + timedelta(minutes=1)
    )
    if not any(o.recurrence_id == recurrence_id for o in originals):
        raise InvalidInput("The series has no occurrence starting then.", field="recurrence_id")
    if (starts_at is None) != (ends_at is None):
        raise InvalidInput("Send both starts_at and ends_at, or neither.", field="ends_at")
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise InvalidInput("An occurrence must end after it starts.", field="ends_at")
    row = (
        await ctx.session.scalars(
            select(EventOverride).where(
                EventOverride.event_id == event.id, EventOverride.recurrence_id == recurrence_id
            )
        )
    ).first()
    if row is None:
        row = EventOverride(event_id=event.id, recurrence_id=recurrence_id)
        ctx.session.add(row)
    row.starts_at, row.ends_at, row.cancelled, row.name = starts_at, ends_at, cancelled, name
    _bump(ctx, event)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=event.org_id,
        action="calendar_event.override",
        target_type="event",
        target_id=event.id,
        after={"recurrence_id": _iso(recurrence_id), "cancelled": cancelled},
    )
    await reschedule_reminders(ctx, event.id)
    return row


async def add_attendee(ctx: Ctx, event: Event, *, user_id: str, required: bool) -> EventAttendee:
    await ensure_members(ctx, org_id=event.org_id, user_ids=[user_id])
    row = (
        await ctx.session.scalars(
            select(EventAttendee).where(
                EventAttendee.event_id == event.id, EventAttendee.user_id == user_id
            )
        )
    ).first()
    if row is None:
        row = EventAttendee(event_id=event.id, user_id=user_id, rsvp="needs_action")
        ctx.session.add(row)
    row.required = required
    _bump(ctx, event)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=event.org_id,
        action="calendar_event.attendee.add",
        target_type="event",
        target_id=event.id,
        after={"user_id": user_id},
    )
    await reschedule_reminders(ctx, event.id)
    return row


async def remove_attendee(ctx: Ctx, event: Event, *, user_id: str) -> None:
    result = await ctx.session.execute(
        delete(EventAttendee).where(
            EventAttendee.event_id == event.id, EventAttendee.user_id == user_id
        )
    )
    if not getattr(result, "rowcount", 0):
        raise NotFound("This person is not invited to the event.")
    _bump(ctx, event)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=event.org_id,
        action="calendar_event.attendee.remove",
        target_type="event",
        target_id=event.id,
        before={"user_id": user_id},
    )
    await reschedule_reminders(ctx, event.id)


async def rsvp(ctx: Ctx, event: Event, *, user_id: str, answer: str) -> EventAttendee:
    if answer not in RSVPS:
        raise InvalidInput(f"rsvp must be one of {', '.join(RSVPS)}.", field="rsvp")
    row = (
        await ctx.session.scalars(
            select(EventAttendee).where(
                EventAttendee.event_id == event.id, EventAttendee.user_id == user_id
            )
        )
    ).first()
    if row is None:
        await ensure_members(ctx, org_id=event.org_id, user_ids=[user_id])
        row = EventAttendee(event_id=event.id, user_id=user_id)
        ctx.session.add(row)
    row.rsvp = answer
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=event.org_id,
        action="calendar_event.rsvp",
        target_type="event",
        target_id=event.id,
        after={"user_id": user_id, "rsvp": answer},
    )
    await reschedule_reminders(ctx, event.id)
    return row


async def list_org_events(
    ctx: Ctx, *, org_id: str, cursor: str | None, limit: int
) -> tuple[list[Event], str | None]:
    query = select(Event).where(Event.org_id == org_id)
    if cursor:
        query = query.where(Event.id > cursor)
    rows = list((await ctx.session.scalars(query.order_by(Event.id).limit(limit + 1))).all())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)
