"""Demo data: one organisation of every kind, with people in every role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from cadence.accounts import orgs, service
from cadence.accounts.models import Membership, User
from cadence.accounts.roles import Role
from cadence.clock import SystemClock
from cadence.context import Ctx
from cadence.db import create_engine, make_sessionmaker, transaction
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
        async with transaction(make_sessionmaker(engine)) as session:
            ctx = Ctx(session=session, settings=settings, clock=SystemClock())
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
            count = len((await session.scalars(select(Membership))).all())
            return count > 0
    finally:
        await engine.dispose()


def login_help(base_url: str) -> str:
    lines = [
        f"Cadence demo is running on {base_url}",
        f"Log in at {base_url}/login with any of these (password: {DEMO_PASSWORD}):",
    ]
    lines += [f"  {p.email:<36} {ROLES[p.key].value}" for p in PEOPLE]
    lines.append(f"API docs: {base_url}/docs")
    return "\n".join(lines)
