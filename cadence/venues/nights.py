"""Event nights: ticketed events of the venue's organisation (the booking engine's).

Tickets, payment and check-in are the events flow's; the venue only remembers which of its
nights are event nights (for the floor view) and the deposit per person that table
reservations on such a night carry.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from cadence.accounts.models import Organisation, User
from cadence.audit import service as audit
from cadence.booking.ticketed import create_ticketed_event
from cadence.calendar.models import Event
from cadence.context import Ctx
from cadence.venues.models import Venue, VenueEventNight


async def create(
    ctx: Ctx,
    *,
    org: Organisation,
    venue: Venue,
    by: User,
    name: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    description: str | None,
    deposit_cents_per_person: int,
    draft: bool,
) -> tuple[VenueEventNight, Event]:
    event = await create_ticketed_event(
        ctx,
        org=org,
        by=by,
        name=name,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        description=description,
        category="event night",
        venue=venue.name,
        draft=draft,
        timezone=venue.timezone,
    )
    night = VenueEventNight(
        org_id=org.id,
        venue_id=venue.id,
        event_id=event.id,
        starts_at=starts_at,
        ends_at=ends_at,
        deposit_cents_per_person=deposit_cents_per_person,
    )
    ctx.session.add(night)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=org.id,
        action="venue.event_night.create",
        target_type="venue_event_night",
        target_id=night.id,
        after={"event_id": event.id, "deposit_cents_per_person": deposit_cents_per_person},
    )
    return night, event


async def between(
    ctx: Ctx, *, venue: Venue, start: datetime, end: datetime
) -> list[tuple[VenueEventNight, Event]]:
    """Event nights overlapping [start, end), not cancelled, earliest first."""
    query = (
        select(VenueEventNight, Event)
        .join(Event, Event.id == VenueEventNight.event_id)
        .where(
            VenueEventNight.venue_id == venue.id,
            Event.starts_at < end,
            Event.ends_at > start,
            Event.status != "cancelled",
        )
        .order_by(Event.starts_at)
    )
    return [(n, e) for n, e in (await ctx.session.execute(query)).all()]
