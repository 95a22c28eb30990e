"""Times an organiser types on the events page follow the time core's rule for clock changes:
a time the clocks skip is refused with the first valid one, a repeated time is its first
instance (Europe/London: clocks forward 2027-03-28 01:00, back 2027-10-31 02:00)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from tests.integration.web.test_pages import HTML, create_org, register_and_login


async def _create(client: httpx.AsyncClient, org: str, token: str, starts: str) -> httpx.Response:
    return await client.post(
        f"/orgs/{org}/events",
        data={
            "name": "Clock Change Gig",
            "starts_at": starts,
            "ends_at": starts[:11] + "05:00",
            "capacity": "10",
            "csrf_token": token,
        },
        headers=HTML,
    )


async def _starts_at(app: FastAPI, name: str) -> list[datetime]:
    async with app.state.cadence.engine.begin() as conn:
        rows = await conn.execute(
            text("SELECT starts_at FROM events WHERE name = :name"), {"name": name}
        )
        return [_utc(row[0]) for row in rows]


def _utc(value: str | datetime) -> datetime:
    """SQLite hands back text of the UTC instant, PostgreSQL an aware datetime."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


async def test_a_skipped_start_time_is_refused_naming_the_first_valid_time(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    token = await register_and_login(client, "gap@example.com", "Gap")
    org = (await create_org(client, token, "Gap Events")).rsplit("/", 1)[1]
    r = await _create(client, org, token, "2027-03-28T01:30")
    assert r.status_code == 422
    assert "does not exist in Europe/London" in r.text and "02:00" in r.text
    assert await _starts_at(app, "Clock Change Gig") == []  # nothing half-written


async def test_a_repeated_start_time_is_its_first_instance(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    token = await register_and_login(client, "fold@example.com", "Fold")
    org = (await create_org(client, token, "Fold Events")).rsplit("/", 1)[1]
    r = await _create(client, org, token, "2027-10-31T01:30")
    assert r.status_code == 303, r.text
    # 01:30 happens at 00:30 UTC (BST) and again at 01:30 UTC (GMT): the first is meant.
    assert await _starts_at(app, "Clock Change Gig") == [datetime(2027, 10, 31, 0, 30, tzinfo=UTC)]
