"""Ticket holders get reminders: booking schedules them, a move moves them, cancelling ends them."""

from __future__ import annotations

from datetime import datetime

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from cadence.db import make_sessionmaker
from cadence.http.state import AppState
from cadence.jobs.models import Job
from tests.integration.booking.helpers import event_of, organiser
from tests.integration.conftest import signup


async def _queued(app: FastAPI) -> list[tuple[str, datetime]]:
    state: AppState = app.state.cadence
    async with make_sessionmaker(state.engine)() as session:
        rows = await session.scalars(
            select(Job).where(Job.kind == "notify.reminder", Job.status == "queued")
        )
        return sorted((j.payload["user_id"], j.run_at) for j in rows)


async def test_ticket_holders_are_reminded_and_the_reminders_follow_the_event(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner, org = await organiser(client)
    event = await event_of(client, owner, org)  # 2027-04-10 18:00 UTC
    fan = await signup(client, "fan@example.com")
    r = await client.post(
        f"/api/v1/events/{event['id']}/bookings", json={"quantity": 2}, headers=fan.auth
    )
    assert r.status_code == 201, r.text
    assert [(u, t.isoformat()) for u, t in await _queued(app)] == [
        (fan.id, "2027-04-09T18:00:00+00:00"),
        (fan.id, "2027-04-10T16:00:00+00:00"),
    ]

    r = await client.patch(
        f"/api/v1/events/{event['id']}",
        json={"starts_at": "2027-04-11T19:00:00+01:00", "ends_at": "2027-04-11T23:00:00+01:00"},
        headers=owner.auth,
    )
    assert r.status_code == 200, r.text
    assert [t.isoformat() for _, t in await _queued(app)] == [
        "2027-04-10T18:00:00+00:00",
        "2027-04-11T16:00:00+00:00",
    ]

    r = await client.post(f"/api/v1/events/{event['id']}/cancel", headers=owner.auth)
    assert r.status_code == 200, r.text
    assert await _queued(app) == []
