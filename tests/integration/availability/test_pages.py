"""The availability, find-a-time and "My calendar" pages render for a signed-in browser."""

from __future__ import annotations

import re

import httpx

from tests.integration.conftest import PASSWORD, make_org, signup


async def _browser_login(client: httpx.AsyncClient, email: str) -> None:
    page = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    r = await client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert r.status_code in (200, 303), r.text[:500]


async def test_pages_render(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    org = await make_org(client, ann)
    await _browser_login(client, ann.email)
    for path in ("/availability", f"/orgs/{org}/find-a-time", "/calendar", "/calendar?view=month"):
        r = await client.get(path, headers={"Accept": "text/html"})
        assert r.status_code == 200, (path, r.text[:800])
        assert "<script>" not in r.text and "style=" not in r.text
    page = await client.get("/availability")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    weekly = '[{"weekday": 1, "start": "19:00", "end": "22:00", "level": "available"}]'
    r = await client.post(
        "/availability",
        data={"csrf_token": token.group(1), "weekly": weekly, "timezone": "Europe/London"},
    )
    assert r.status_code == 303
    got = (await client.get("/api/v1/me/availability", headers=ann.auth)).json()
    assert got["timezone"] == "Europe/London"
    assert got["weekly"][0]["start"] == "19:00"
