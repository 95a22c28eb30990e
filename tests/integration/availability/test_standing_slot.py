"""`POST /api/v1/orgs/{org_id}/standing-slot`: ranked weekly slots, every occurrence scored."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from tests.integration.availability.helpers import set_pattern
from tests.integration.conftest import Person, add_member, make_org, signup

TUE_THU = [{"weekday": d, "start": "19:00", "end": "21:00", "level": "available"} for d in (1, 3)]


def _ics(start: str, end: str, summary: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{start}@t\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:{start}\r\n"
        f"DTEND:{end}\r\nSUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


async def _band(client: httpx.AsyncClient) -> tuple[str, Person, Person]:
    ann = await signup(client, "ann@example.com")
    bob = await signup(client, "bob@example.com")
    org = await make_org(client, ann)  # Europe/London
    await add_member(client, org, ann, bob)
    await set_pattern(client, ann, TUE_THU, tz="Europe/London")
    await set_pattern(client, bob, TUE_THU, tz="Europe/London")
    return org, ann, bob


async def _standing(
    client: httpx.AsyncClient, org: str, who: Person, **body: Any
) -> httpx.Response:
    body.setdefault("duration_minutes", 120)
    body.setdefault("granularity_minutes", 60)
    body.setdefault("weeks", 4)
    body.setdefault("first_day", "2026-06-01")
    return await client.post(f"/api/v1/orgs/{org}/standing-slot", json=body, headers=who.auth)


async def test_ranks_every_occurrence_and_explains_misses(client: httpx.AsyncClient) -> None:
    org, ann, bob = await _band(client)
    # Bob is busy on the second Tuesday (9 June, 19:00 BST) and away the third Thursday.
    r = await client.post(
        "/api/v1/me/calendar-imports",
        json={"ics": _ics("20260609T180000Z", "20260609T200000Z", "Dentist")},
        headers=bob.auth,
    )
    assert r.status_code == 201, r.text
    r = await client.post(
        "/api/v1/me/exceptions",
        json={
            "starts_at": "2026-06-18T00:00:00+01:00",
            "ends_at": "2026-06-19T00:00:00+01:00",
            "level": "unavailable",
        },
        headers=bob.auth,
    )
    assert r.status_code == 201, r.text
    r = await _standing(client, org, ann, required=[ann.id], optional=[bob.id], weeks=6)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["timezone"] == "Europe/London"
    assert body["first_day"] == "2026-06-01"
    items = body["items"]
    top = [(i["weekday"], i["start"], i["misses_total"]) for i in items[:2]]
    assert top == [(1, "19:00", 1), (3, "19:00", 1)]
    tue = items[0]
    assert tue["timezone"] == "Europe/London"
    assert tue["misses_required"] == 0
    assert tue["worst_week"] == {"week": 2, "day": "2026-06-09", "missing": 1}
    by_user = {p["user_id"]: p for p in tue["people"]}
    assert by_user[ann.id] == {"user_id": ann.id, "required": True, "misses": []}
    assert by_user[bob.id]["required"] is False
    assert by_user[bob.id]["misses"] == [
        {
            "week": 2,
            "day": "2026-06-09",
            "starts_at": "2026-06-09T18:00:00Z",
            "reason": "busy",
            "detail": "Dentist",
        }
    ]
    thu_miss = {p["user_id"]: p for p in items[1]["people"]}[bob.id]["misses"]
    assert [(m["week"], m["reason"]) for m in thu_miss] == [(3, "outside_availability")]
    # Other slots lose a required person every week: ranked after.
    assert items[2]["misses_required"] > 0


async def test_org_holidays_are_missed_weeks(client: httpx.AsyncClient) -> None:
    org, ann, bob = await _band(client)
    r = await client.post(
        f"/api/v1/orgs/{org}/holidays",
        json={"name": "Summer", "dates": ["2026-06-16"]},
        headers=ann.auth,
    )
    assert r.status_code == 201, r.text
    r = await _standing(client, org, bob, required=[ann.id, bob.id])
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert (items[0]["weekday"], items[0]["misses_total"]) == (3, 0)
    tue = next(i for i in items if i["weekday"] == 1 and i["start"] == "19:00")
    assert (tue["misses_required"], tue["misses_total"]) == (2, 2)
    assert tue["worst_week"] == {"week": 3, "day": "2026-06-16", "missing": 2}
    for person in tue["people"]:
        assert [(m["week"], m["reason"], m["detail"]) for m in person["misses"]] == [
            (3, "holiday", "Summer")
        ]


async def test_rules_zone_and_local_time_across_dst(client: httpx.AsyncClient) -> None:
    org, ann, bob = await _band(client)
    r = await _standing(
        client,
        org,
        ann,
        required=[ann.id, bob.id],
        first_day="2026-03-23",
        weekdays=[3],
        earliest="18:00",
        latest="24:00",
        limit=1,
    )
    assert r.status_code == 200, r.text
    (slot,) = r.json()["items"]
    assert (slot["weekday"], slot["start"], slot["misses_total"]) == (3, "19:00", 0)
    # In New York's zone, London's 19:00 is 14:00 or 15:00: no single local time fits all
    # four weeks across the two clock changes (8 and 29 March).
    r = await _standing(
        client,
        org,
        ann,
        required=[ann.id],
        first_day="2026-03-02",
        timezone="America/New_York",
        weekdays=[3],
        limit=1,
    )
    assert r.status_code == 200, r.text
    assert r.json()["items"][0]["misses_total"] >= 1


async def test_defaults_next_monday_in_org_zone(client: httpx.AsyncClient) -> None:
    org, ann, _ = await _band(client)
    r = await client.post(
        f"/api/v1/orgs/{org}/standing-slot",
        json={"duration_minutes": 60, "weeks": 2, "required": [ann.id]},
        headers=ann.auth,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    first = date.fromisoformat(body["first_day"])
    assert first.weekday() == 0
    assert 0 <= (first - datetime.now(ZoneInfo("Europe/London")).date()).days <= 8
    assert body["timezone"] == "Europe/London"
    assert len(body["items"]) == 10


async def test_tenancy_and_validation(client: httpx.AsyncClient) -> None:
    org, ann, _ = await _band(client)
    outsider = await signup(client, "out@example.com")
    await make_org(client, outsider, "Other")
    r = await _standing(client, org, outsider, required=[outsider.id])
    assert r.status_code == 404
    r = await _standing(client, org, ann, required=[ann.id, outsider.id])
    assert r.status_code == 404
    r = await _standing(client, org, ann, required=[ann.id], weeks=52, duration_minutes=20000)
    assert r.status_code == 422
    assert "366" in r.text
    bads: list[dict[str, Any]] = [
        {"weeks": 53},
        {"weeks": 0},
        {"limit": 51},
        {"timezone": "Mars/Olympus"},
        {"earliest": "20:00", "latest": "19:00"},
        {"weekdays": [7]},
        {"required": []},
    ]
    for bad in bads:
        body: dict[str, Any] = {"required": [ann.id], **bad}
        r = await _standing(client, org, ann, **body)
        assert r.status_code == 422, (bad, r.text)
