"""Reminders before an event's start: scheduled, moved, cancelled, per person, recurring."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from cadence.calendar import service as calendar
from cadence.calendar.models import Event
from cadence.clock import FrozenClock
from cadence.db import create_engine, make_sessionmaker
from cadence.jobs.models import Job
from cadence.jobs.worker import Worker
from cadence.notify import reminders, timing
from cadence.notify.models import OutboxEmail
from cadence.settings import Settings
from tests.integration.conftest import utc
from tests.integration.jobs.helpers import unit_of_work
from tests.integration.notify.helpers import notifications, reminder_jobs, world


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(database_url)
    yield eng
    await eng.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(env="test", database_url=database_url, base_url="https://cadence.example")


def _queued(jobs: list[Job]) -> list[tuple[str, str]]:
    return [(j.payload["user_id"], j.run_at.isoformat()) for j in jobs if j.status == "queued"]


async def test_reminders_follow_the_event_and_the_people(
    engine: AsyncEngine, settings: Settings
) -> None:
    clock = FrozenClock(utc(2026, 5, 1, 9, 0))
    w = await world(engine, settings, clock)
    async with unit_of_work(engine, settings, clock) as ctx:
        await timing.update_settings(ctx, user_id=w.bob, reminder_minutes=[30])
        event = await calendar.create_event(
            ctx,
            org_id=w.org_id,
            creator_id=w.owner,
            fields={
                "name": "Rehearsal",
                "starts_at": utc(2026, 5, 3, 18, 0),
                "ends_at": utc(2026, 5, 3, 20, 0),
                "timezone": "Europe/London",
            },
            attendees=[w.alice, w.bob],
        )
        event_id = event.id
    assert sorted(_queued(await reminder_jobs(engine))) == sorted(
        [
            (w.alice, utc(2026, 5, 2, 18, 0).isoformat()),
            (w.alice, utc(2026, 5, 3, 16, 0).isoformat()),
            (w.bob, utc(2026, 5, 3, 17, 30).isoformat()),
        ]
    )

    # Moved one day later: the reminders move with it.
    async with unit_of_work(engine, settings, clock) as ctx:
        found = await ctx.session.get(Event, event_id)
        assert found is not None
        await calendar.update_event(
            ctx,
            found,
            version=found.version,
            changes={"starts_at": utc(2026, 5, 4, 18, 0), "ends_at": utc(2026, 5, 4, 20, 0)},
        )
    assert sorted(_queued(await reminder_jobs(engine))) == sorted(
        [
            (w.alice, utc(2026, 5, 3, 18, 0).isoformat()),
            (w.alice, utc(2026, 5, 4, 16, 0).isoformat()),
            (w.bob, utc(2026, 5, 4, 17, 30).isoformat()),
        ]
    )

    # Bob declines: his reminder goes; Alice's stay.
    async with unit_of_work(engine, settings, clock) as ctx:
        found = await ctx.session.get(Event, event_id)
        assert found is not None
        await calendar.rsvp(ctx, found, user_id=w.bob, answer="declined")
    assert {u for u, _ in _queued(await reminder_jobs(engine))} == {w.alice}

    # The 24 h reminder runs: Alice gets it in-app and by email, once.
    clock.advance(timedelta(days=2, hours=9))  # 2026-05-03 18:00
    worker = Worker(engine, settings, clock, schedule_periodic=False)
    assert await worker.run_until_idle() == 1
    assert await worker.run_until_idle() == 0
    notes = await notifications(engine, w.alice)
    assert [n.title for n in notes] == ["Reminder: Rehearsal tomorrow"]
    assert "Mon 04 May 2026, 19:00 (Europe/London)" in notes[0].body
    async with make_sessionmaker(engine)() as session:
        emails = list(await session.scalars(select(OutboxEmail)))
    assert [e.to_addr for e in emails] == ["alice@band.example"]

    # Cancelled: the 2 h reminder never fires.
    async with unit_of_work(engine, settings, clock) as ctx:
        found = await ctx.session.get(Event, event_id)
        assert found is not None
        await calendar.cancel_event(ctx, found, version=None)
    assert _queued(await reminder_jobs(engine)) == []
    clock.advance(timedelta(days=1))
    assert await worker.run_until_idle() == 0
    assert len(await notifications(engine, w.alice)) == 1


async def test_recurring_event_reminders_stay_within_the_horizon_and_rearm(
    engine: AsyncEngine, settings: Settings
) -> None:
    clock = FrozenClock(utc(2026, 5, 1, 9, 0))
    w = await world(engine, settings, clock)
    async with unit_of_work(engine, settings, clock) as ctx:
        await timing.update_settings(ctx, user_id=w.alice, reminder_minutes=[60])
        event = await calendar.create_event(
            ctx,
            org_id=w.org_id,
            creator_id=w.owner,
            fields={
                "name": "Weekly",
                "starts_at": utc(2026, 5, 4, 18, 0),
                "ends_at": utc(2026, 5, 4, 19, 0),
                "timezone": "UTC",
                "rrule": "FREQ=WEEKLY",
            },
            attendees=[w.alice],
        )
        event_id = event.id
    runs = [run for _, run in _queued(await reminder_jobs(engine))]
    assert runs == [utc(2026, 5, 4, 17, 0).isoformat(), utc(2026, 5, 11, 17, 0).isoformat()]

    # One occurrence moved by an override: its reminder moves too.
    async with unit_of_work(engine, settings, clock) as ctx:
        found = await ctx.session.get(Event, event_id)
        assert found is not None
        await calendar.set_override(
            ctx,
            found,
            recurrence_id=utc(2026, 5, 11, 18, 0),
            starts_at=utc(2026, 5, 12, 18, 0),
            ends_at=utc(2026, 5, 12, 19, 0),
            cancelled=False,
            name=None,
        )
    runs = [run for _, run in _queued(await reminder_jobs(engine))]
    assert runs == [utc(2026, 5, 4, 17, 0).isoformat(), utc(2026, 5, 12, 17, 0).isoformat()]

    # After the first reminder runs, the series is re-armed up to the new horizon.
    clock.advance(timedelta(days=3, hours=8))  # 2026-05-04 17:00
    worker = Worker(engine, settings, clock, schedule_periodic=False)
    assert await worker.run_until_idle() == 1
    runs = [run for _, run in _queued(await reminder_jobs(engine))]
    assert runs == [utc(2026, 5, 12, 17, 0).isoformat(), utc(2026, 5, 18, 17, 0).isoformat()]
    assert [n.title for n in await notifications(engine, w.alice)] == ["Reminder: Weekly in 1 hour"]


async def test_changing_ones_offsets_replans_the_events_ahead(
    engine: AsyncEngine, settings: Settings
) -> None:
    clock = FrozenClock(utc(2026, 5, 1, 9, 0))
    w = await world(engine, settings, clock)
    async with unit_of_work(engine, settings, clock) as ctx:
        await calendar.create_event(
            ctx,
            org_id=w.org_id,
            creator_id=w.owner,
            fields={
                "name": "Gig",
                "starts_at": utc(2026, 5, 3, 18, 0),
                "ends_at": utc(2026, 5, 3, 20, 0),
                "timezone": "Europe/London",
            },
            attendees=[w.alice, w.bob],
        )
    async with unit_of_work(engine, settings, clock) as ctx:
        # What the settings page and PUT /notifications/timing do.
        await timing.update_settings(ctx, user_id=w.bob, reminder_minutes=[45])
        assert await reminders.reschedule_for_person(ctx, w.bob) == 1
    assert sorted(_queued(await reminder_jobs(engine))) == sorted(
        [
            (w.alice, utc(2026, 5, 2, 18, 0).isoformat()),  # alice keeps her defaults
            (w.alice, utc(2026, 5, 3, 16, 0).isoformat()),
            (w.bob, utc(2026, 5, 3, 17, 15).isoformat()),
        ]
    )
