"""A small league through the public API: an org, a manager, a member, teams and grounds."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx

from tests.integration.conftest import Person, add_member, make_org, signup

# Eight clubs around Manchester (made-up grounds at plausible coordinates).
CLUBS = [
    ("Riverside Rovers", 53.4808, -2.2426),
    ("Hillside United", 53.5409, -2.1114),
    ("Canal Street FC", 53.4631, -2.2913),
    ("Moorland Athletic", 53.3900, -2.3500),
    ("Valley Wanderers", 53.6500, -2.6300),
    ("Bridgeford Town", 53.5800, -2.4300),
    ("Oakfield Albion", 53.4100, -2.1500),
    ("Harbour Lane FC", 53.4500, -2.7400),
]


@dataclass
class League:
    org_id: str
    manager: Person
    player: Person
    season_id: str
    teams: list[str]
    venues: list[str]

    @property
    def base(self) -> str:
        return f"/api/v1/orgs/{self.org_id}/leagues/seasons/{self.season_id}"


async def league(client: httpx.AsyncClient, *, double: bool = True, clubs: int = 4) -> League:
    manager = await signup(client, "manager@league.example")
    player = await signup(client, "player@league.example")
    org_id = await make_org(client, manager, "Sunday League", "Europe/London")
    await add_member(client, org_id, manager, player)
    r = await client.post(
        f"/api/v1/orgs/{org_id}/leagues/seasons",
        json={"name": "Autumn 2030", "format": "double" if double else "single"},
        headers=manager.auth,
    )
    assert r.status_code == 201, r.text
    season_id = r.json()["id"]
    base = f"/api/v1/orgs/{org_id}/leagues/seasons/{season_id}"
    teams, venues = [], []
    for i, (name, lat, lon) in enumerate(CLUBS[:clubs]):
        v = await client.post(
            f"{base}/venues",
            json={"name": f"{name} Ground", "latitude": lat, "longitude": lon},
            headers=manager.auth,
        )
        assert v.status_code == 201, v.text
        venues.append(v.json()["id"])
        body: dict[str, Any] = {"name": name, "venue_id": v.json()["id"]}
        if i == 0:
            body["member_ids"] = [player.id]
            body["contact_emails"] = ["captain@rovers.example"]
        t = await client.post(f"{base}/teams", json=body, headers=manager.auth)
        assert t.status_code == 201, t.text
        teams.append(t.json()["id"])
    pattern = {"start": "2030-09-01", "weekday": 6, "kick_off": "14:30"}
    r = await client.patch(base, json={"slot_pattern": pattern}, headers=manager.auth)
    assert r.status_code == 200, r.text
    return League(org_id, manager, player, season_id, teams, venues)


async def wait_for_run(
    client: httpx.AsyncClient, lg: League, run_id: str, limit: float = 60
) -> dict[str, Any]:
    """Poll the run until it is finished (the in-process worker runs it)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while True:
        r = await client.get(f"{lg.base}/runs/{run_id}", headers=lg.manager.auth)
        assert r.status_code == 200, r.text
        if r.json()["status"] in ("done", "cancelled", "failed"):
            return dict(r.json())
        assert loop.time() < end, f"run still {r.json()['status']} after {limit} s"
        await asyncio.sleep(0.2)


async def generate(
    client: httpx.AsyncClient, lg: League, time_limit: float = 2, seed: int = 1
) -> dict[str, Any]:
    r = await client.post(
        f"{lg.base}/runs", json={"time_limit": time_limit, "seed": seed}, headers=lg.manager.auth
    )
    assert r.status_code == 202, r.text
    run = await wait_for_run(client, lg, r.json()["id"])
    assert run["status"] == "done", run
    return run
