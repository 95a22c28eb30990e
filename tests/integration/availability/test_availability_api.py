"""`PUT/GET /api/v1/me/availability` and `POST /api/v1/me/exceptions`, as the contract says."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.availability.helpers import set_pattern
from tests.integration.conftest import signup

WEEKLY = [
    {"weekday": 1, "start": "19:00", "end": "22:00", "level": "available"},
    {"weekday": 0, "start": "18:00", "end": "24:00", "level": "if_need_be"},
]


async def test_put_then_get_returns_the_stored_pattern(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    stored = await set_pattern(client, ann, WEEKLY, tz="Europe/London")
    assert stored["timezone"] == "Europe/London"
    assert sorted(stored["weekly"], key=lambda r: r["weekday"]) == sorted(
        WEEKLY, key=lambda r: r["weekday"]
    )
    got = (await client.get("/api/v1/me/availability", headers=ann.auth)).json()
    assert got["timezone"] == "Europe/London"
    assert got["weekly"] == stored["weekly"]


async def test_put_replaces_the_previous_pattern(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    await set_pattern(client, ann, WEEKLY)
    new = [{"weekday": 4, "start": "09:00", "end": "17:00", "level": "available"}]
    await set_pattern(client, ann, new, tz="America/New_York")
    got = (await client.get("/api/v1/me/availability", headers=ann.auth)).json()
    assert got == {**got, "timezone": "America/New_York", "weekly": new}


async def test_a_person_without_a_pattern_gets_an_empty_one(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    r = await client.get("/api/v1/me/availability", headers=ann.auth)
    assert r.status_code == 200
    assert r.json()["weekly"] == []


@pytest.mark.parametrize(
    ("timezone", "weekly"),
    [
        ("Mars/Olympus", []),
        ("Europe/London", [{"weekday": 1, "start": "20:00", "end": "19:00", "level": "available"}]),
        ("Europe/London", [{"weekday": 1, "start": "19:00", "end": "19:00", "level": "available"}]),
        (
            "Europe/London",
            [
                {"weekday": 1, "start": "19:00", "end": "21:00", "level": "available"},
                {"weekday": 1, "start": "20:00", "end": "22:00", "level": "if_need_be"},
            ],
        ),
        ("UTC", [{"weekday": 7, "start": "19:00", "end": "20:00", "level": "available"}]),
        ("UTC", [{"weekday": 1, "start": "19:00", "end": "24:30", "level": "available"}]),
        ("UTC", [{"weekday": 1, "start": "19:00", "end": "20:00", "level": "busy"}]),
    ],
)
async def test_bad_patterns_answer_422_and_keep_the_old_one(
    client: httpx.AsyncClient, timezone: str, weekly: list[dict[str, object]]
) -> None:
    ann = await signup(client, "ann@example.com")
    await set_pattern(client, ann, WEEKLY)
    r = await client.put(
        "/api/v1/me/availability", json={"timezone": timezone, "weekly": weekly}, headers=ann.auth
    )
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    got = (await client.get("/api/v1/me/availability", headers=ann.auth)).json()
    assert len(got["weekly"]) == len(WEEKLY)


async def test_touching_ranges_are_accepted(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    weekly = [
        {"weekday": 0, "start": "10:00", "end": "12:00", "level": "available"},
        {"weekday": 0, "start": "12:00", "end": "14:00", "level": "if_need_be"},
    ]
    await set_pattern(client, ann, weekly)


async def test_exception_is_created_with_utc_times(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    r = await client.post(
        "/api/v1/me/exceptions",
        json={
            "starts_at": "2026-06-01T10:00:00+02:00",
            "ends_at": "2026-06-01T12:00:00+02:00",
            "level": "unavailable",
        },
        headers=ann.auth,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["id"]
    assert body["starts_at"] == "2026-06-01T08:00:00Z"
    assert body["ends_at"] == "2026-06-01T10:00:00Z"
    assert body["level"] == "unavailable"
    listed = (await client.get("/api/v1/me/exceptions", headers=ann.auth)).json()
    assert [e["id"] for e in listed["items"]] == [body["id"]]


@pytest.mark.parametrize(
    "body",
    [
        {
            "starts_at": "2026-06-01T12:00:00Z",
            "ends_at": "2026-06-01T10:00:00Z",
            "level": "available",
        },
        {"starts_at": "2026-06-01T10:00:00Z", "ends_at": "2026-06-01T12:00:00Z", "level": "maybe"},
        {
            "starts_at": "2026-06-01T10:00:00",
            "ends_at": "2026-06-01T12:00:00Z",
            "level": "available",
        },
    ],
)
async def test_bad_exceptions_answer_422(client: httpx.AsyncClient, body: dict[str, str]) -> None:
    ann = await signup(client, "ann@example.com")
    r = await client.post("/api/v1/me/exceptions", json=body, headers=ann.auth)
    assert r.status_code == 422, r.text


async def test_without_a_token_answers_401(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/me/availability")).status_code == 401
    r = await client.put("/api/v1/me/availability", json={"timezone": "UTC", "weekly": []})
    assert r.status_code == 401
    r = await client.post(
        "/api/v1/me/exceptions",
        json={
            "starts_at": "2026-06-01T10:00:00Z",
            "ends_at": "2026-06-01T12:00:00Z",
            "level": "available",
        },
    )
    assert r.status_code == 401
