"""Resources of an organisation: weekly pattern + exceptions, the person layer model reused."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from cadence.availability import resources
from cadence.context import unit_of_work
from cadence.time.intervals import Interval
from cadence.time.layers import build_timeline
from tests.integration.conftest import add_member, make_org, signup, utc

WEEKLY = [{"weekday": 0, "start": "09:00", "end": "17:00", "level": "available"}]


async def test_crud_roles_exceptions_and_layers(client: httpx.AsyncClient, app: FastAPI) -> None:
    owner = await signup(client, "owner@example.com")
    member = await signup(client, "member@example.com")
    org = await make_org(client, owner)  # Europe/London
    await add_member(client, org, owner, member)
    base = f"/api/v1/orgs/{org}/resources"

    r = await client.post(base, json={"name": "Room", "weekly": WEEKLY}, headers=member.auth)
    assert r.status_code == 403
    r = await client.post(base, json={"name": "Room", "weekly": WEEKLY}, headers=owner.auth)
    assert r.status_code == 201, r.text
    room = r.json()
    assert room["timezone"] == "Europe/London"
    assert room["weekly"] == WEEKLY
    r = await client.post(base, json={"name": "Room"}, headers=owner.auth)
    assert r.status_code == 409
    bad = [{"weekday": 0, "start": "10:00", "end": "09:00"}]
    r = await client.post(base, json={"name": "Bad", "weekly": bad}, headers=owner.auth)
    assert r.status_code == 422
    r = await client.post(
        base, json={"name": "Bad", "timezone": "Nowhere/City"}, headers=owner.auth
    )
    assert r.status_code == 422

    r = await client.get(base, headers=member.auth)
    assert [x["name"] for x in r.json()["items"]] == ["Room"]
    url = f"{base}/{room['id']}"
    r = await client.put(
        url, json={"name": "Hall", "timezone": "UTC", "weekly": WEEKLY}, headers=owner.auth
    )
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["timezone"]) == ("Hall", "UTC")
    assert (await client.get(url, headers=member.auth)).json()["name"] == "Hall"

    closed = {
        "starts_at": "2026-06-01T12:00:00Z",
        "ends_at": "2026-06-01T13:00:00Z",
        "level": "unavailable",
        "note": "Cleaning",
    }
    r = await client.post(f"{url}/exceptions", json=closed, headers=member.auth)
    assert r.status_code == 403
    r = await client.post(f"{url}/exceptions", json=closed, headers=owner.auth)
    assert r.status_code == 201, r.text
    exc_id = r.json()["id"]
    r = await client.post(
        f"/api/v1/orgs/{org}/holidays",
        json={"name": "Closed", "dates": ["2026-06-08"]},
        headers=owner.auth,
    )
    assert r.status_code == 201
    r = await client.get(f"{url}/exceptions", headers=member.auth)
    assert [x["id"] for x in r.json()["items"]] == [exc_id]

    # The layers: Mondays 09-17 UTC, minus the cleaning hour, minus the org's holiday
    # (8 June, a Monday, in the org's zone: 7 June 23:00 to 8 June 23:00 UTC).
    state = app.state.cadence
    async with unit_of_work(state.sessions, state.settings, state.clock) as ctx:
        window = Interval.of(utc(2026, 6, 1), utc(2026, 6, 15))
        av = await resources.resource_availability(
            ctx,
            org_id=org,
            resource_id=room["id"],
            window_start=window.start,
            window_end=window.end,
        )
    free = build_timeline(av, window).free
    assert free.duration.total_seconds() == 7 * 3600

    r = await client.delete(f"{url}/exceptions/{exc_id}", headers=owner.auth)
    assert r.status_code == 204
    r = await client.delete(f"{url}/exceptions/{exc_id}", headers=owner.auth)
    assert r.status_code == 404
    r = await client.delete(url, headers=member.auth)
    assert r.status_code == 403
    r = await client.delete(url, headers=owner.auth)
    assert r.status_code == 204
    assert (await client.get(url, headers=member.auth)).status_code == 404

    r = await client.get(f"/api/v1/orgs/{org}/audit", headers=owner.auth)
    actions = {e["action"] for e in r.json()["items"]}
    assert {"resource.create", "resource.update", "resource.delete"} <= actions
    assert {"resource.exception.create", "resource.exception.delete"} <= actions


async def test_other_orgs_resource_is_not_found(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    org_a = await make_org(client, ann, "A")
    org_b = await make_org(client, ann, "B")
    r = await client.post(f"/api/v1/orgs/{org_a}/resources", json={"name": "R"}, headers=ann.auth)
    rid = r.json()["id"]
    for method, path in (
        ("GET", ""),
        ("PUT", ""),
        ("DELETE", ""),
        ("GET", "/exceptions"),
        ("POST", "/exceptions"),
    ):
        body = (
            {"name": "R"}
            if method == "PUT"
            else {
                "starts_at": "2026-06-01T12:00:00Z",
                "ends_at": "2026-06-01T13:00:00Z",
                "level": "unavailable",
            }
        )
        r = await client.request(
            method, f"/api/v1/orgs/{org_b}/resources/{rid}{path}", json=body, headers=ann.auth
        )
        assert r.status_code == 404, (method, path)
