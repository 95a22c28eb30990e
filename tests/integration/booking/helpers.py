"""Helpers of the booking tests: events with ticket types, a movable clock, running jobs."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from cadence.booking.jobs import SWEEP_JOB
from cadence.clock import SystemClock
from cadence.context import unit_of_work
from cadence.http.state import AppState
from cadence.jobs import enqueue
from cadence.jobs.worker import Worker
from tests.integration.conftest import Person, make_org, signup

EVENT = {
    "name": "Spring Gala",
    "starts_at": "2027-04-10T19:00:00+01:00",
    "ends_at": "2027-04-10T23:00:00+01:00",
    "capacity": 10,
}


async def organiser(client: httpx.AsyncClient) -> tuple[Person, str]:
    owner = await signup(client, "org@example.com")
    return owner, await make_org(client, owner, "Evently")


async def event_of(
    client: httpx.AsyncClient, owner: Person, org: str, **overrides: object
) -> dict[str, Any]:
    r = await client.post(
        f"/api/v1/orgs/{org}/events", json={**EVENT, **overrides}, headers=owner.auth
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def ticket_type(
    client: httpx.AsyncClient, owner: Person, event_id: str, **body: object
) -> dict[str, Any]:
    r = await client.post(
        f"/api/v1/events/{event_id}/ticket-types",
        json={"name": "Standard", "price_cents": 0, "quota": 10, **body},
        headers=owner.auth,
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def set_rules(
    client: httpx.AsyncClient, owner: Person, event_id: str, **rules: object
) -> dict[str, Any]:
    r = await client.put(f"/api/v1/events/{event_id}/booking-rules", json=rules, headers=owner.auth)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def available(client: httpx.AsyncClient, who: Person, event_id: str) -> int:
    r = await client.get(f"/api/v1/events/{event_id}", headers=who.auth)
    return int(r.json()["available"])


def move_clock(app: FastAPI, by: timedelta) -> None:
    """Every later request sees the time `by` ahead (the Later-clock trick of test_orgs)."""
    state: AppState = app.state.cadence  # type: ignore[attr-defined]

    class Later(SystemClock):
        def now(self) -> datetime:
            return super().now() + by

    state.clock = Later()


async def run_jobs(app: FastAPI, *, sweep: bool = False) -> None:
    """Run due jobs now; with `sweep`, first queue the periodic hold/offer sweep."""
    state: AppState = app.state.cadence  # type: ignore[attr-defined]
    if sweep:
        async with unit_of_work(state.sessions, state.settings, state.clock) as ctx:
            await enqueue(ctx, SWEEP_JOB, {})
    worker = Worker(state.engine, state.settings, state.clock, schedule_periodic=False)
    await worker.run_until_idle()
    await asyncio.sleep(0.05)
