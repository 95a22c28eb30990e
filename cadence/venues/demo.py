"""Demo data of the venue scenario: "The Blue Door", a bar with a main room and a terrace.

`cadence.demo` calls `load_demo(ctx, org, users)` inside its unit of work; everything goes
through the same services as the API, so the demo also exercises assignment and notices.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from cadence.accounts.models import Organisation, User
from cadence.context import Ctx
from cadence.venues import guestbook, hours, nights, reservations
from cadence.venues import service as venues
from cadence.venues.models import Venue

HOURS = [hours.HoursEntry(d, "17:00", "23:30") for d in (1, 2, 3, 6)] + [
    hours.HoursEntry(d, "17:00", "02:00") for d in (4, 5)
]
TABLES = [
    # name, area, seats min-max, combinable, tags, (x, y, shape) on the floor plan
    ("1", "Main room", 1, 2, True, ["window"], (110, 90, "square")),
    ("2", "Main room", 1, 2, True, ["window"], (230, 90, "square")),
    ("3", "Main room", 2, 4, True, [], (360, 90, "square")),
    ("4", "Main room", 2, 4, False, ["accessible"], (110, 260, "round")),
    ("5", "Main room", 4, 8, True, ["booth"], (330, 260, "long")),
    ("Bar 1", "Bar", 1, 2, False, ["high stools"], (640, 90, "round")),
    ("T1", "Terrace", 2, 4, True, ["outdoor"], (640, 430, "square")),
    ("T2", "Terrace", 2, 4, True, ["outdoor"], (800, 430, "square")),
]


def _next(ctx: Ctx, zone: ZoneInfo, weekday: int, at: time, weeks: int = 0) -> datetime:
    day = ctx.now().astimezone(zone).date() + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return datetime.combine(day + timedelta(weeks=weeks), at, zone)


async def load_demo(ctx: Ctx, org: Organisation, users: dict[str, User]) -> Venue:
    venue = await venues.save_venue(
        ctx,
        org=org,
        settings={
            "name": "The Blue Door",
            "timezone": org.timezone,
            "description": "Cocktails, small plates and live jazz on Fridays.",
            "published": True,
            "slot_minutes": 120,
            "turnover_minutes": 15,
            "lead_minutes": 60,
            "horizon_days": 60,
            "max_party_size": 12,
            "approval_party_size": 9,
            "deposit_party_size": 8,
            "deposit_cents_per_person": 1000,
            "currency": "GBP",
            "cancel_cutoff_minutes": 120,
        },
    )
    await venues.set_hours(ctx, venue=venue, weekly=HOURS)
    areas = {}
    for position, name in enumerate(("Main room", "Bar", "Terrace")):
        areas[name] = await venues.create_area(ctx, venue=venue, name=name, position=position)
    tables = {}
    for position, (name, area, lo, hi, comb, tags, (x, y, shape)) in enumerate(TABLES):
        tables[name] = await venues.create_table(
            ctx,
            venue=venue,
            fields={
                "name": name,
                "area_id": areas[area].id,
                "seats_min": lo,
                "seats_max": hi,
                "combinable": comb,
                "neighbours": [],
                "tags": tags,
                "position": position,
                "x": x,
                "y": y,
                "shape": shape,
            },
        )
    for a, b in (("1", "2"), ("2", "3"), ("5", "3"), ("T1", "T2")):
        await venues.update_table(
            ctx, venue=venue, table=tables[a], changes={"neighbours": [tables[b].id]}
        )
    zone = ZoneInfo(venue.timezone)
    closed = _next(ctx, zone, 1, time(0), weeks=2).date()
    await venues.add_exception(
        ctx,
        venue=venue,
        day=closed,
        closed=True,
        opens=None,
        closes=None,
        note="Private hire",
    )
    friday = _next(ctx, zone, 4, time(20, 0), weeks=1)
    await nights.create(
        ctx,
        org=org,
        venue=venue,
        by=users["manager"],
        name="Jazz Friday",
        starts_at=friday,
        ends_at=friday + timedelta(hours=4),
        capacity=60,
        description="The house trio, from 20:00.",
        deposit_cents_per_person=500,
        draft=False,
    )
    bookings = [
        ("singer", 4, _next(ctx, zone, 3, time(19, 0)), "Birthday", "One guest is vegan"),
        ("drummer", 2, _next(ctx, zone, 4, time(18, 30), weeks=1), None, None),
        ("bassist", 6, _next(ctx, zone, 5, time(20, 0)), "Anniversary", "Nut allergy"),
        ("viewer", 10, _next(ctx, zone, 5, time(19, 0), weeks=1), "Team night", None),
    ]
    for key, party, starts, occasion, note in bookings:
        user = users[key]
        r, _ = await reservations.reserve(
            ctx,
            venue=venue,
            guest=reservations.Guest(
                user.name, user.email, None, user.id, marketing_consent=key == "bassist"
            ),
            wish=reservations.Wish(
                starts_at=starts, party_size=party, occasion=occasion, guest_note=note
            ),
        )
        if key == "bassist" and r.guest_id:  # a regular: the guest book knows them
            profile = await guestbook.get(ctx, org_id=org.id, guest_id=r.guest_id)
            await guestbook.update_profile(
                ctx,
                profile=profile,
                fields={
                    "tags": ["vip", "allergy: nuts"],
                    "notes": "Likes the booth; ask about the band.",
                    "preferences": "Booth, still water",
                },
            )
    return venue
