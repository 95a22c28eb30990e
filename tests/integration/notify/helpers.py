"""People, an organisation and a worker for notification tests, straight through services."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from cadence.accounts.models import Membership, Organisation, User
from cadence.clock import FrozenClock
from cadence.db import make_sessionmaker
from cadence.jobs.models import Job
from cadence.notify.models import Notification
from cadence.settings import Settings
from tests.integration.jobs.helpers import unit_of_work


@dataclass
class World:
    org_id: str
    owner: str
    alice: str
    bob: str


async def world(engine: AsyncEngine, settings: Settings, clock: FrozenClock) -> World:
    async with unit_of_work(engine, settings, clock) as ctx:
        org = Organisation(
            name="Band", timezone="Europe/London", kind="general", created_at=clock.now()
        )
        ctx.session.add(org)
        ids = []
        for name in ("owner", "alice", "bob"):
            user = User(
                email=f"{name}@band.example",
                email_normalized=f"{name}@band.example",
                name=name,
                password_hash="x",
                timezone="Europe/London",
                created_at=clock.now(),
                password_changed_at=clock.now(),
            )
            ctx.session.add(user)
            await ctx.session.flush()
            role = "owner" if name == "owner" else "member"
            ctx.session.add(
                Membership(org_id=org.id, user_id=user.id, role=role, created_at=clock.now())
            )
            ids.append(user.id)
        await ctx.session.flush()
        return World(org.id, *ids)


async def reminder_jobs(engine: AsyncEngine) -> list[Job]:
    async with make_sessionmaker(engine)() as session:
        rows = await session.scalars(
            select(Job).where(Job.kind == "notify.reminder").order_by(Job.run_at, Job.key)
        )
        return list(rows)


async def notifications(engine: AsyncEngine, user_id: str) -> list[Notification]:
    async with make_sessionmaker(engine)() as session:
        rows = await session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at, Notification.id)
        )
        return list(rows)
