"""Quiet hours hold email back until they end; a digest window batches emails into one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from cadence.clock import FrozenClock
from cadence.db import create_engine, make_sessionmaker
from cadence.jobs.models import Job
from cadence.jobs.worker import Worker
from cadence.notify import timing
from cadence.notify.models import DigestItem, OutboxEmail
from cadence.notify.outbox import SEND_JOB
from cadence.notify.service import notify, set_preference
from cadence.settings import Settings
from tests.integration.conftest import utc
from tests.integration.jobs.helpers import unit_of_work
from tests.integration.notify.helpers import notifications, world


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(database_url)
    yield eng
    await eng.dispose()


async def _emails(engine: AsyncEngine) -> list[OutboxEmail]:
    async with make_sessionmaker(engine)() as session:
        return list(await session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))


async def test_quiet_hours_hold_email_until_morning_in_the_persons_zone(
    engine: AsyncEngine, database_url: str
) -> None:
    # SMTP "configured" (nothing listens): only the send job's schedule is looked at.
    settings = Settings(
        env="test",
        database_url=database_url,
        base_url="https://cadence.example",
        smtp_url="smtp://127.0.0.1:9",
    )
    clock = FrozenClock(utc(2026, 7, 1, 22, 30))  # 23:30 in London (BST)
    w = await world(engine, settings, clock)
    async with unit_of_work(engine, settings, clock) as ctx:
        await timing.update_settings(ctx, user_id=w.alice, quiet_start="22:00", quiet_end="07:00")
        await notify(
            ctx,
            user_id=w.alice,
            org_id=w.org_id,
            kind="schedule.updated",
            title="Schedule changed",
            email_to="alice@band.example",
        )
        await notify(
            ctx,
            user_id=w.bob,
            org_id=w.org_id,
            kind="schedule.updated",
            title="Schedule changed",
            email_to="bob@band.example",
        )
    async with make_sessionmaker(engine)() as session:
        jobs = list(await session.scalars(select(Job).where(Job.kind == SEND_JOB)))
        by_to = {
            (await session.get(OutboxEmail, j.payload["email_id"])).to_addr: j.run_at  # type: ignore[union-attr]
            for j in jobs
        }
    assert by_to == {
        "alice@band.example": utc(2026, 7, 2, 6, 0),  # 07:00 London
        "bob@band.example": utc(2026, 7, 1, 22, 30),  # no quiet hours: at once
    }
    # In-app is silent and never held back.
    assert len(await notifications(engine, w.alice)) == 1


async def test_a_digest_window_batches_changes_into_one_email(
    engine: AsyncEngine, database_url: str
) -> None:
    settings = Settings(env="test", database_url=database_url, base_url="https://cadence.example")
    clock = FrozenClock(utc(2026, 7, 1, 10, 5))
    w = await world(engine, settings, clock)
    async with unit_of_work(engine, settings, clock) as ctx:
        await timing.update_settings(ctx, user_id=w.alice, digest_minutes=60)
        for n in range(5):
            await notify(
                ctx,
                user_id=w.alice,
                org_id=w.org_id,
                kind="schedule.updated",
                title=f"Change {n}",
                body=f"Detail {n}",
                email_to="alice@band.example",
            )
        # A kind opted out of the digest is emailed at once.
        await set_preference(
            ctx, user_id=w.alice, kind="approval.requested", channel="digest", enabled=False
        )
        await notify(
            ctx,
            user_id=w.alice,
            org_id=w.org_id,
            kind="approval.requested",
            title="Approve me",
            email_to="alice@band.example",
        )
    assert [e.subject for e in await _emails(engine)] == ["Approve me"]
    worker = Worker(engine, settings, clock, schedule_periodic=False)
    assert await worker.run_until_idle() == 0  # the digest waits for the window to end

    clock.advance(timedelta(minutes=55))  # 11:00, the end of the window
    assert await worker.run_until_idle() == 1
    emails = await _emails(engine)
    assert [e.subject for e in emails] == ["Approve me", "5 updates from Cadence"]
    digest = emails[1]
    assert digest.to_addr == "alice@band.example"
    for n in range(5):
        assert f"* Change {n}\n  Detail {n}" in digest.body_text
    async with make_sessionmaker(engine)() as session:
        pending = await session.scalars(select(DigestItem).where(DigestItem.sent_at.is_(None)))
        assert list(pending) == []
