"""Demo data: one organisation of every kind, with people in every role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from cadence.accounts import orgs, service
from cadence.accounts.models import Membership, Organisation, User
from cadence.accounts.roles import Role
from cadence.booking import service as booking
from cadence.clock import SystemClock
from cadence.context import Ctx, unit_of_work
from cadence.db import create_engine, make_sessionmaker
from cadence.events import service as events
from cadence.settings import Settings

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
            for name, kind, tz in ORGS:
                org = await orgs.create_org(ctx, users["owner"], name=name, timezone=tz, kind=kind)
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


def login_help(base_url: str) -> str:
    lines = [
        f"Cadence demo is running on {base_url}",
        f"Log in at {base_url}/login with any of these (password: {DEMO_PASSWORD}):",
    ]
    lines += [f"  {p.email:<36} {ROLES[p.key].value}" for p in PEOPLE]
    lines.append(f"API docs: {base_url}/docs")
    return "\n".join(lines)
