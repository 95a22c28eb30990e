"""The personal calendar feed (secret, revocable URL) and the per-event `.ics`.

The feed URL carries `<user id>.<generation>.<HMAC of both under the secret key>`; nothing
stored in the database opens a feed by itself. Revoking (DELETE) stores one
`calendar_feeds` row, which moves the person's generation on: the old URL answers 404 and
the next GET computes a new one. GET itself only reads.

What the feed holds (contract, "Calendars"): every event the person takes part in: events
they attend (the booking engine adds an attendee row, rsvp accepted, for every confirmed
booking; calendar events add invited people), unless they declined, and every event of
the organisations where they are manager or above. Cancelled events stay in the feed with
STATUS:CANCELLED so subscribed clients remove them.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from sqlalchemy import func, select

from cadence.accounts.models import Membership, User
from cadence.accounts.roles import Role
from cadence.audit import service as audit
from cadence.calendar.busy import NOT_ATTENDING
from cadence.calendar.convert import ical_events, overrides_of
from cadence.calendar.models import CalendarFeed, Event, EventAttendee
from cadence.context import Ctx
from cadence.errors import NotFound
from cadence.time.ical import CalendarEvent, to_ics

MANAGING_ROLES = (Role.owner.value, Role.admin.value, Role.manager.value)
FEED_PATH = "/api/v1/calendar-feeds/{token}.ics"


def _mac(secret: str, user_id: str, generation: int) -> str:
    message = f"calendar-feed:{user_id}:{generation}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:40]


async def _generation(ctx: Ctx, user_id: str) -> int:
    """How many times the person revoked their feed (each revocation is one row)."""
    count = await ctx.session.scalar(
        select(func.count()).select_from(CalendarFeed).where(CalendarFeed.user_id == user_id)
    )
    return int(count or 0)


async def feed_url(ctx: Ctx, *, user_id: str) -> str:
    """The person's live feed URL. A pure read: GET never writes, so it never contends."""
    generation = await _generation(ctx, user_id)
    token = f"{user_id}.{generation}.{_mac(ctx.settings.secret_key, user_id, generation)}"
    return ctx.public_url() + FEED_PATH.format(token=token)


async def revoke_feeds(ctx: Ctx, *, user_id: str) -> None:
    """Revoke the live URL: the generation moves on, so the old token stops matching."""
    row = CalendarFeed(user_id=user_id, created_at=ctx.now(), revoked_at=ctx.now())
    ctx.session.add(row)
    await ctx.session.flush()
    await audit.record(
        ctx, action="calendar_feed.revoke", target_type="calendar_feed", target_id=row.id
    )


async def feed_owner(ctx: Ctx, token: str) -> User:
    """The owner of a live feed token; 404 for anything else (revoked, forged, malformed)."""
    user_id, _, rest = token.partition(".")
    generation_text, _, mac = rest.partition(".")
    if not user_id or len(user_id) > 64 or not generation_text.isdigit() or not mac:
        raise NotFound("No such calendar feed.")
    generation = int(generation_text)
    expected = _mac(ctx.settings.secret_key, user_id, generation)
    if not hmac.compare_digest(mac, expected):
        raise NotFound("No such calendar feed.")
    if generation != await _generation(ctx, user_id):
        raise NotFound("No such calendar feed.")
    user = await ctx.session.get(User, user_id)
    if user is None:
        raise NotFound("No such calendar feed.")
    return user


async def events_of_person(ctx: Ctx, *, user_id: str) -> list[Event]:
    """Every event the person takes part in (see the module docstring), by start."""
    attending = select(EventAttendee.event_id).where(
        EventAttendee.user_id == user_id, EventAttendee.rsvp.not_in(NOT_ATTENDING)
    )
    managed_orgs = select(Membership.org_id).where(
        Membership.user_id == user_id, Membership.role.in_(MANAGING_ROLES)
    )
    query = (
        select(Event)
        .where(Event.id.in_(attending) | Event.org_id.in_(managed_orgs))
        .order_by(Event.starts_at, Event.id)
    )
    return list((await ctx.session.scalars(query)).all())


async def calendar_events(ctx: Ctx, events: Sequence[Event]) -> list[CalendarEvent]:
    overrides = await overrides_of(ctx, [e.id for e in events])
    out: list[CalendarEvent] = []
    for event in events:
        out.extend(ical_events(event, overrides.get(event.id, [])))
    return out


async def feed_ics(ctx: Ctx, *, token: str) -> bytes:
    user = await feed_owner(ctx, token)
    events = await events_of_person(ctx, user_id=user.id)
    return to_ics(await calendar_events(ctx, events), name=f"Cadence · {user.name}")


async def can_see_event(ctx: Ctx, event: Event, *, user_id: str) -> bool:
    """Members of the event's organisation and its attendees see it; published events of
    other kinds than private calendar events are readable by any signed-in user, as the
    booking contract says of events."""
    if event.published and event.kind != "calendar":
        return True
    member = await ctx.session.scalar(
        select(Membership.id).where(
            Membership.org_id == event.org_id, Membership.user_id == user_id
        )
    )
    if member is not None:
        return True
    attendee = await ctx.session.scalar(
        select(EventAttendee.id).where(
            EventAttendee.event_id == event.id, EventAttendee.user_id == user_id
        )
    )
    return attendee is not None


async def event_ics(ctx: Ctx, *, event_id: str, user_id: str) -> bytes:
    event = await ctx.session.get(Event, event_id)
    if event is None or not await can_see_event(ctx, event, user_id=user_id):
        raise NotFound("No such event.")
    return to_ics(await calendar_events(ctx, [event]), name=event.name)
