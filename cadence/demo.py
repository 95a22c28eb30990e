"""Demo data: one organisation of every kind, with people in every role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from cadence.accounts import orgs, service
from cadence.accounts.models import Membership, Organisation, User
from cadence.accounts.roles import Role
from cadence.availability import service as availability
from cadence.booking import service as booking
from cadence.calendar import service as calendar
from cadence.clock import SystemClock
from cadence.context import Ctx, unit_of_work
from cadence.db import create_engine, make_sessionmaker
from cadence.events import service as events
from cadence.leagues.demo import load_demo as load_league_demo
from cadence.settings import Settings
from cadence.venues.demo import load_demo as load_venue_demo

DEMO_PASSWORD = "cadence-demo"  # noqa: S105 - published in the README on purpose
DEMO_DOMAIN = "demo.cadence.example"


@dataclass(frozen=True)
class DemoPerson:
    key: str
    name: str
    timezone: str = "Europe/London"

    @property
    def email(self) -> str:
        return f"{self.key}@{DEMO_DOMAIN}"


PEOPLE = [
    DemoPerson("owner", "Olivia Owner"),
    DemoPerson("admin", "Adam Admin"),
    DemoPerson("manager", "Maya Manager"),
    DemoPerson("drummer", "Dev Drummer"),
    DemoPerson("bassist", "Bea Bassist"),
    DemoPerson("singer", "Sam Singer", "Europe/Dublin"),
    DemoPerson("viewer", "Vic Viewer"),
]

ORGS = [
    ("The Night Owls", "band", "Europe/London"),
    ("Northwind Logistics", "company", "Europe/London"),
    ("Evently Live", "events", "Europe/London"),
    ("The Blue Door", "venue", "Europe/London"),
    ("Riverside Sunday League", "league", "Europe/London"),
]

ROLES = {
    "owner": Role.owner,
    "admin": Role.admin,
    "manager": Role.manager,
    "drummer": Role.member,
    "bassist": Role.member,
    "singer": Role.member,
    "viewer": Role.viewer,
}


async def load(settings: Settings) -> bool:
    """Create the demo data once; returns False when it was already there."""
    engine = create_engine(settings.database_url)
    try:
        async with unit_of_work(make_sessionmaker(engine), settings, SystemClock()) as ctx:
            session = ctx.session
            if await service.find_by_email(ctx, PEOPLE[0].email) is not None:
                return False
            users: dict[str, User] = {}
            for person in PEOPLE:
                users[person.key] = await service.register(
                    ctx,
                    email=person.email,
                    password=DEMO_PASSWORD,
                    name=person.name,
                    timezone=person.timezone,
                )
            ctx.actor_id = users["owner"].id
            created: dict[str, Organisation] = {}
            for name, kind, tz in ORGS:
                org = await orgs.create_org(ctx, users["owner"], name=name, timezone=tz, kind=kind)
                created[kind] = org
                for key, role in ROLES.items():
                    if key != "owner":
                        session.add(
                            Membership(
                                org_id=org.id,
                                user_id=users[key].id,
                                role=role,
                                created_at=ctx.now(),
                            )
                        )
            await session.flush()
            await _events(ctx, created["events"], users)
            await _band(ctx, created["band"], users)
            await load_venue_demo(ctx, created["venue"], users)
            await load_league_demo(ctx, created["league"], users)
            return True
    finally:
        await engine.dispose()


async def _events(ctx: Ctx, org: Organisation, users: dict[str, User]) -> None:
    """A season of concerts, one nearly sold out, with a few bookings."""
    local = ZoneInfo(org.timezone)
    start = datetime.combine(ctx.now().date() + timedelta(days=14), time(19, 30), local)
    shows = [
        ("Spring Strings", 120, "classical", "Main Hall"),
        ("Late Night Jazz", 40, "jazz", "Cellar Bar"),
        ("Open Mic", 8, "open-mic", "Cellar Bar"),
    ]
    for week, (name, capacity, category, venue) in enumerate(shows):
        starts = start + timedelta(days=7 * week)
        event = await events.create(
            ctx,
            org=org,
            by=users["manager"],
            name=name,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            capacity=capacity,
            category=category,
            venue=venue,
            description=f"{name} at The Blue Door. Doors open 30 minutes before.",
        )
        if capacity <= 8:
            await booking.book(ctx, event=event, user=users["drummer"], quantity=capacity - 1)
        else:
            await booking.book(ctx, event=event, user=users["singer"], quantity=2)


# Each band member's usual evenings (weekday, start, end, level); Monday is 0.
EVENINGS = {
    "owner": [
        (0, "18:00", "23:00", "available"),
        (2, "18:00", "23:00", "available"),
        (3, "19:00", "22:00", "if_need_be"),
    ],
    "drummer": [
        (0, "19:00", "23:00", "available"),
        (2, "18:30", "22:30", "available"),
        (4, "18:00", "24:00", "available"),
    ],
    "bassist": [
        (1, "18:00", "22:00", "available"),
        (2, "19:00", "23:00", "available"),
        (0, "20:00", "23:00", "if_need_be"),
    ],
    "singer": [
        (0, "19:00", "22:00", "available"),
        (2, "19:00", "22:00", "if_need_be"),
        (3, "18:00", "22:00", "available"),
    ],
}


async def _band(ctx: Ctx, org: Organisation, users: dict[str, User]) -> None:
    """Painted availability for the band, and a weekly Wednesday rehearsal."""
    for key, ranges in EVENINGS.items():
        await availability.set_pattern(
            ctx,
            user_id=users[key].id,
            timezone=users[key].timezone,
            weekly=[availability.RangeIn(d, a, b, level) for d, a, b, level in ranges],
        )
    local = ZoneInfo(org.timezone)
    today = ctx.now().astimezone(local).date()
    wednesday = today + timedelta(days=(2 - today.weekday()) % 7 or 7)
    starts = datetime.combine(wednesday, time(19, 30), local)
    await calendar.create_event(
        ctx,
        org_id=org.id,
        creator_id=users["owner"].id,
        fields={
            "name": "Rehearsal",
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=2),
            "timezone": org.timezone,
            "rrule": "FREQ=WEEKLY;BYDAY=WE",
            "venue": "Studio 3",
            "description": "New setlist run-through.",
        },
        attendees=[users[k].id for k in EVENINGS],
    )


def login_help(base_url: str) -> str:
    lines = [
        f"Cadence demo is running on {base_url}",
        f"Log in at {base_url}/login with any of these (password: {DEMO_PASSWORD}):",
    ]
    lines += [f"  {p.email:<36} {ROLES[p.key].value}" for p in PEOPLE]
    lines.append(f"API docs: {base_url}/docs")
    return "\n".join(lines)
