"""Attendance from bookings: a stale read of it (PostgreSQL reads it before the seats row
lock orders two bookings of one event) must not break the unique (event, person) row."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from cadence.booking import attendance
from cadence.calendar.models import Event, EventAttendee
from cadence.context import unit_of_work
from cadence.http.state import AppState
from cadence.jobs.models import Job
from tests.integration.booking.helpers import event_of, organiser
from tests.integration.conftest import signup


async def test_a_second_booking_that_read_no_attendee_row_adds_none(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner, org = await organiser(client)
    event = await event_of(client, owner, org)
    fan = await signup(client, "fan@example.com")
    r = await client.post(
        f"/api/v1/events/{event['id']}/bookings", json={"quantity": 1}, headers=fan.auth
    )
    assert r.status_code == 201, r.text
    state: AppState = app.state.cadence
    async with unit_of_work(state.sessions, state.settings, state.clock) as ctx:
        row = await ctx.session.get(Event, event["id"])
        assert row is not None
        # What a concurrent booking of the same person read before this one committed:
        await attendance.attend(ctx, event=row, user_id=fan.id, rsvp=None)
    async with unit_of_work(state.read_sessions, state.settings, state.clock) as ctx:
        attendees = await ctx.session.scalar(
            select(func.count()).where(EventAttendee.event_id == event["id"])
        )
        reminders = await ctx.session.scalar(
            select(func.count()).where(Job.kind == "notify.reminder")
        )
    assert attendees == 1 and reminders == 2
