"""Email delivery through a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from cadence.clock import FrozenClock, SystemClock
from cadence.db import create_engine, make_sessionmaker
from cadence.jobs.worker import Worker
from cadence.notify.models import DeliveryAttempt, OutboxEmail
from cadence.notify.outbox import Attachment, list_outbox, queue_email
from cadence.settings import Settings
from tests.integration.conftest import utc
from tests.integration.jobs.helpers import unit_of_work
from tests.integration.notify.smtp_sink import Sink, smtp_sink
from tests.live import free_port

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(database_url)
    yield eng
    await eng.dispose()


def settings_for(database_url: str, smtp_port: int | None) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        base_url="https://cadence.example",
        smtp_url=f"smtp://127.0.0.1:{smtp_port}" if smtp_port else None,
    )


async def email_row(engine: AsyncEngine, email_id: str) -> OutboxEmail:
    async with make_sessionmaker(engine)() as session:
        row = await session.get(OutboxEmail, email_id)
        assert row is not None
        return row


async def test_email_with_attachments_keeps_its_message_id_across_a_retry(
    engine: AsyncEngine, database_url: str
) -> None:
    clock = FrozenClock(utc(2026, 4, 1, 9, 0))
    with smtp_sink() as (sink, port):
        settings = settings_for(database_url, port)
        async with unit_of_work(engine, settings, clock) as ctx:
            queued = await queue_email(
                ctx,
                to="drummer@band.example",
                subject="Your tickets",
                kind="booking.confirmed",
                text="See you there.",
                html="<p>See you there.</p>",
                attachments=[
                    Attachment("event.ics", "text/calendar", ICS),
                    Attachment("ticket.png", "image/png", PNG),
                ],
            )
        sink.reject_next = 1
        worker = Worker(engine, settings, clock, schedule_periodic=False)
        await worker.run_until_idle()
        failed = await email_row(engine, queued.id)
        assert (failed.status, failed.attempts) == ("failed", 1)
        assert "451" in (failed.last_error or "")
        clock.advance(timedelta(minutes=5))
        await worker.run_until_idle()

    assert sink.rejected == [queued.message_id]
    assert sink.message_ids == [queued.message_id]
    message = sink.messages[0]
    assert message["To"] == "drummer@band.example"
    assert message["From"] == "Cadence <cadence@cadence.example>"
    parts = {p.get_filename(): p for p in message.iter_attachments()}
    assert parts["event.ics"].get_content_type() == "text/calendar"
    assert parts["ticket.png"].get_content() == PNG
    assert message.get_body(("html",)) is not None
    sent = await email_row(engine, queued.id)
    assert (sent.status, sent.attempts, sent.sent_at) == ("sent", 2, clock.now())
    async with make_sessionmaker(engine)() as session:
        log = (
            await session.scalars(select(DeliveryAttempt).order_by(DeliveryAttempt.attempt))
        ).all()
    assert [(a.channel, a.attempt, a.status) for a in log] == [
        ("email", 1, "failed"),
        ("email", 2, "sent"),
    ]


async def test_without_smtp_emails_stay_in_the_outbox(
    engine: AsyncEngine, database_url: str
) -> None:
    settings = settings_for(database_url, None)
    clock = SystemClock()
    async with unit_of_work(engine, settings, clock) as ctx:
        await queue_email(ctx, to="a@b.example", subject="Hi", text="Hello", kind="test")
    assert await Worker(engine, settings, clock, schedule_periodic=False).run_until_idle() == 0
    async with unit_of_work(engine, settings, clock) as ctx:
        page = await list_outbox(ctx, status="queued")
    assert [e.subject for e in page.items] == ["Hi"]


async def test_an_smtp_outage_delays_but_loses_nothing(
    engine: AsyncEngine, database_url: str
) -> None:
    port = free_port()  # nothing listens here yet: connections are refused
    settings = settings_for(database_url, port)
    clock = SystemClock()
    async with unit_of_work(engine, settings, clock) as ctx:
        ids = [
            (await queue_email(ctx, to=f"p{i}@x.example", subject=f"#{i}", text="t", kind="t"))
            for i in range(20)
        ]
    worker = Worker(
        engine, settings, clock, schedule_periodic=False, backoff_base=0.2, poll_interval=0.05
    )
    task = asyncio.create_task(worker.run())
    try:
        await asyncio.sleep(1.5)
        with smtp_sink(Sink(), port) as (sink, _):
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if len(sink.ids) >= 20:
                    break
                await asyncio.sleep(0.1)
    finally:
        worker.stop()
        await task
    assert sorted(sink.message_ids) == sorted(e.message_id for e in ids)
    rows = [await email_row(engine, e.id) for e in ids]
    assert {r.status for r in rows} == {"sent"}
    assert max(r.attempts for r in rows) > 1
