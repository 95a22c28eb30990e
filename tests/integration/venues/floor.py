"""A hand-checked floor plan shared by the venue tests, built through the public API.

Main room: T1 (1-2), T2 (1-2) and T3 (1-2) combinable side by side (T2-T3), T4 (2-4),
T6 (4-6). Terrace: P1 (2-4). London; open Tuesday to Sunday 17:00-23:00, Friday and
Saturday 17:00-02:00; closed on Mondays. Slots of 2 h with a 15-minute turnover.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tests.integration.conftest import Person

HOURS = [{"weekday": d, "start": "17:00", "end": "23:00"} for d in (1, 2, 3, 6)] + [
    {"weekday": d, "start": "17:00", "end": "02:00"} for d in (4, 5)
]


@dataclass
class Floor:
    org: str
    venue: dict[str, Any]
    areas: dict[str, str]
    tables: dict[str, str]

    @property
    def names(self) -> dict[str, str]:
        return {v: k for k, v in self.tables.items()}


async def build_floor(client: httpx.AsyncClient, owner: Person, org: str, **settings: Any) -> Floor:
    base = f"/api/v1/orgs/{org}/venue"
    body = {
        "name": "The Blue Door",
        "timezone": "Europe/London",
        "published": True,
        "approval_party_size": 9,
        "deposit_party_size": 8,
        "deposit_cents_per_person": 1000,
        **settings,
    }
    r = await client.put(base, json=body, headers=owner.auth)
    assert r.status_code == 200, r.text
    venue = r.json()
    r = await client.put(f"{base}/hours", json={"weekly": HOURS}, headers=owner.auth)
    assert r.status_code == 200, r.text
    areas = {}
    for name in ("Main room", "Terrace"):
        r = await client.post(f"{base}/areas", json={"name": name}, headers=owner.auth)
        assert r.status_code == 201, r.text
        areas[name] = r.json()["id"]
    tables: dict[str, str] = {}
    spec = [
        ("T1", "Main room", 1, 2, False),
        ("T2", "Main room", 1, 2, True),
        ("T3", "Main room", 1, 2, True),
        ("T4", "Main room", 2, 4, False),
        ("T6", "Main room", 4, 6, False),
        ("P1", "Terrace", 2, 4, False),
    ]
    for name, area, lo, hi, comb in spec:
        body = {
            "name": name,
            "area_id": areas[area],
            "seats_min": lo,
            "seats_max": hi,
            "combinable": comb,
        }
        r = await client.post(f"{base}/tables", json=body, headers=owner.auth)
        assert r.status_code == 201, r.text
        tables[name] = r.json()["id"]
    r = await client.patch(
        f"{base}/tables/{tables['T2']}", json={"neighbours": [tables["T3"]]}, headers=owner.auth
    )
    assert r.status_code == 200, r.text
    return Floor(org, venue, areas, tables)


async def reserve(
    client: httpx.AsyncClient,
    guest: Person,
    floor: Floor,
    starts_at: str,
    party: int,
    **extra: Any,
) -> httpx.Response:
    return await client.post(
        f"/api/v1/venues/{floor.venue['id']}/reservations",
        json={"starts_at": starts_at, "party_size": party, **extra},
        headers=guest.auth,
    )
