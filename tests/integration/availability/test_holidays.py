"""Holiday calendars of an organisation: CRUD, roles, and their effect on find-a-time."""

from __future__ import annotations

import httpx

from tests.integration.availability.helpers import every_day, find, set_pattern, starts
from tests.integration.conftest import add_member, make_org, signup


async def test_crud_roles_and_audit(client: httpx.AsyncClient) -> None:
    owner = await signup(client, "owner@example.com")
    member = await signup(client, "member@example.com")
    manager = await signup(client, "manager@example.com")
    org = await make_org(client, owner)
    await add_member(client, org, owner, member)
    await add_member(client, org, owner, manager, role="manager")
    base = f"/api/v1/orgs/{org}/holidays"

    r = await client.post(base, json={"name": "Xmas", "dates": ["2026-12-25"]}, headers=member.auth)
    assert r.status_code == 403
    r = await client.post(
        base,
        json={"name": "Xmas", "dates": ["2026-12-26", "2026-12-25", "2026-12-25"]},
        headers=manager.auth,
    )
    assert r.status_code == 201, r.text
    cal = r.json()
    assert cal["dates"] == ["2026-12-25", "2026-12-26"]
    r = await client.post(base, json={"name": "Xmas", "dates": []}, headers=owner.auth)
    assert r.status_code == 409
    r = await client.post(base, json={"name": "Bad", "dates": ["2026-02-30"]}, headers=owner.auth)
    assert r.status_code == 422

    r = await client.get(base, headers=member.auth)
    assert r.status_code == 200
    assert [c["name"] for c in r.json()["items"]] == ["Xmas"]
    r = await client.get(f"{base}/{cal['id']}", headers=member.auth)
    assert r.status_code == 200 and r.json()["id"] == cal["id"]

    r = await client.put(
        f"{base}/{cal['id']}", json={"name": "Winter", "dates": ["2026-12-24"]}, headers=member.auth
    )
    assert r.status_code == 403
    r = await client.put(
        f"{base}/{cal['id']}",
        json={"name": "Winter", "dates": ["2026-12-24"]},
        headers=manager.auth,
    )
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["dates"]) == ("Winter", ["2026-12-24"])

    r = await client.delete(f"{base}/{cal['id']}", headers=member.auth)
    assert r.status_code == 403
    r = await client.delete(f"{base}/{cal['id']}", headers=manager.auth)
    assert r.status_code == 204
    r = await client.get(f"{base}/{cal['id']}", headers=member.auth)
    assert r.status_code == 404
    r = await client.delete(f"{base}/{cal['id']}", headers=manager.auth)
    assert r.status_code == 404

    r = await client.get(f"/api/v1/orgs/{org}/audit", headers=owner.auth)
    assert r.status_code == 200, r.text
    actions = [e["action"] for e in r.json()["items"]]
    for action in ("holidays.create", "holidays.update", "holidays.delete"):
        assert action in actions


async def test_other_orgs_calendar_is_not_found(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    org_a = await make_org(client, ann, "A")
    org_b = await make_org(client, ann, "B")
    r = await client.post(
        f"/api/v1/orgs/{org_a}/holidays", json={"name": "H", "dates": []}, headers=ann.auth
    )
    cal_id = r.json()["id"]
    for method in ("GET", "PUT", "DELETE"):
        r = await client.request(
            method,
            f"/api/v1/orgs/{org_b}/holidays/{cal_id}",
            json={"name": "H", "dates": []},
            headers=ann.auth,
        )
        assert r.status_code == 404, method


async def test_holidays_apply_to_that_orgs_find_a_time_in_its_zone(
    client: httpx.AsyncClient,
) -> None:
    ann = await signup(client, "ann@example.com")
    org = await make_org(client, ann, "Tokyo band", timezone="Asia/Tokyo")
    other = await make_org(client, ann, "London band")
    await set_pattern(client, ann, every_day("00:00", "24:00"))
    r = await client.post(
        f"/api/v1/orgs/{org}/holidays",
        json={"name": "Golden week", "dates": ["2026-05-05"]},
        headers=ann.auth,
    )
    assert r.status_code == 201, r.text
    window = {
        "window_start": "2026-05-04T12:00:00Z",
        "window_end": "2026-05-05T18:00:00Z",
        "granularity_minutes": 60,
        "limit": 100,
    }
    # 5 May in Tokyo is 4 May 15:00 to 5 May 15:00 UTC.
    got = starts(await find(client, org, ann, required=[ann.id], **window))
    assert got == [
        "2026-05-04T12:00:00Z",
        "2026-05-04T13:00:00Z",
        "2026-05-04T14:00:00Z",
        "2026-05-05T15:00:00Z",
        "2026-05-05T16:00:00Z",
        "2026-05-05T17:00:00Z",
    ]
    r = await find(client, org, ann, required=[], optional=[ann.id], **window)
    assert r.status_code == 200
    # Only that organisation's searches are affected.
    assert len(starts(await find(client, other, ann, required=[ann.id], **window))) == 30
    # A personal "available" exception still wins over the holiday (exceptions apply last).
    r = await client.post(
        "/api/v1/me/exceptions",
        json={
            "starts_at": "2026-05-04T20:00:00Z",
            "ends_at": "2026-05-04T21:00:00Z",
            "level": "available",
        },
        headers=ann.auth,
    )
    assert r.status_code == 201
    got = starts(await find(client, org, ann, required=[ann.id], **window))
    assert "2026-05-04T20:00:00Z" in got
