"""Shared helpers of the availability and find-a-time tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.conftest import Person


async def set_pattern(
    client: httpx.AsyncClient, who: Person, weekly: list[dict[str, Any]], tz: str = "UTC"
) -> dict[str, Any]:
    r = await client.put(
        "/api/v1/me/availability", json={"timezone": tz, "weekly": weekly}, headers=who.auth
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def every_day(start: str, end: str, level: str = "available") -> list[dict[str, Any]]:
    return [{"weekday": d, "start": start, "end": end, "level": level} for d in range(7)]


async def find(client: httpx.AsyncClient, org: str, who: Person, **body: Any) -> httpx.Response:
    body.setdefault("duration_minutes", 60)
    body.setdefault("optional", [])
    return await client.post(f"/api/v1/orgs/{org}/find-a-time", json=body, headers=who.auth)


def starts(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [s["starts_at"] for s in response.json()["items"]]
