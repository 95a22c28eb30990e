"""`POST /api/v1/orgs/{org_id}/find-a-time`: every sentence of the contract as a test."""

from __future__ import annotations

import httpx

from tests.integration.availability.helpers import every_day, find, set_pattern, starts
from tests.integration.conftest import add_member, make_org, signup

TUE_EVENING = [{"weekday": 1, "start": "19:00", "end": "21:00", "level": "available"}]


async def _band(client: httpx.AsyncClient, n: int = 2) -> tuple[str, list]:  # type: ignore[type-arg]
    people = [await signup(client, f"p{i}@example.com") for i in range(n)]
    org = await make_org(client, people[0])
    for p in people[1:]:
        await add_member(client, org, people[0], p)
    return org, people


async def test_slot_shape_and_utc(client: httpx.AsyncClient) -> None:
    org, (ann, bob) = await _band(client)
    await set_pattern(client, ann, every_day("10:00", "12:00"), tz="Europe/Paris")
    await set_pattern(client, bob, every_day("10:00", "11:00"), tz="Europe/Paris")
    r = await find(
        client,
        org,
        ann,
        required=[ann.id],
        optional=[bob.id],
        window_start="2026-06-01T00:00:00+02:00",
        window_end="2026-06-02T00:00:00+02:00",
    )
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert items[0] == {
        "starts_at": "2026-06-01T08:00:00Z",
        "ends_at": "2026-06-01T09:00:00Z",
        "available": [ann.id, bob.id],
        "if_need_be": [],
        "unavailable": [],
    } | {
        k: v
        for k, v in items[0].items()
        if k not in {"starts_at", "ends_at", "available", "if_need_be", "unavailable"}
    }
    # then Ann alone, at 15-minute steps (the default granularity), earlier first
    assert [i["starts_at"] for i in items[1:]] == [
        "2026-06-01T08:15:00Z",
        "2026-06-01T08:30:00Z",
        "2026-06-01T08:45:00Z",
        "2026-06-01T09:00:00Z",
    ]
    assert items[1]["available"] == [ann.id]
    assert items[1]["unavailable"][0]["user_id"] == bob.id
    assert items[1]["unavailable"][0]["reason"]


async def test_london_pattern_keeps_local_hours_across_march_change(
    client: httpx.AsyncClient,
) -> None:
    org, (ann, _) = await _band(client)
    await set_pattern(client, ann, TUE_EVENING, tz="Europe/London")
    r = await find(
        client,
        org,
        ann,
        required=[ann.id],
        duration_minutes=120,
        granularity_minutes=60,
        window_start="2026-03-23T00:00:00Z",
        window_end="2026-04-06T00:00:00Z",
    )
    # 19:00 GMT before the change (29 March), 19:00 BST = 18:00 UTC after it
    assert starts(r) == ["2026-03-24T19:00:00Z", "2026-03-31T18:00:00Z"]


async def test_london_pattern_keeps_local_hours_across_october_change(
    client: httpx.AsyncClient,
) -> None:
    org, (ann, _) = await _band(client)
    await set_pattern(client, ann, TUE_EVENING, tz="Europe/London")
    r = await find(
        client,
        org,
        ann,
        required=[ann.id],
        duration_minutes=120,
        granularity_minutes=60,
        window_start="2026-10-19T00:00:00Z",
        window_end="2026-11-02T00:00:00Z",
    )
    assert starts(r) == ["2026-10-20T18:00:00Z", "2026-10-27T19:00:00Z"]


async def test_range_edge_in_the_skipped_hour_moves_after_the_gap(
    client: httpx.AsyncClient,
) -> None:
    org, (ann, _) = await _band(client)
    # Sunday 29 March 2026: 01:00-02:00 London does not exist
    sunday = [{"weekday": 6, "start": "01:30", "end": "04:00", "level": "available"}]
    await set_pattern(client, ann, sunday, tz="Europe/London")
    r = await find(
        client,
        org,
        ann,
        required=[ann.id],
        duration_minutes=60,
        granularity_minutes=30,
        window_start="2026-03-29T00:00:00Z",
        window_end="2026-03-29T06:00:00Z",
    )
    # available from 01:00 UTC (02:00 BST, first instant after the gap) to 03:00 UTC
    assert starts(r) == ["2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z", "2026-03-29T02:00:00Z"]


async def test_touching_ranges_count_as_one_including_midnight(
    client: httpx.AsyncClient,
) -> None:
    org, (ann, _) = await _band(client)
    weekly = [
        {"weekday": 0, "start": "20:00", "end": "24:00", "level": "available"},
        {"weekday": 1, "start": "00:00", "end": "02:00", "level": "available"},
        {"weekday": 2, "start": "10:00", "end": "12:00", "level": "available"},
        {"weekday": 2, "start": "12:00", "end": "14:00", "level": "available"},
    ]
    await set_pattern(client, ann, weekly)
    r = await find(
        client,
        org,
        ann,
        required=[ann.id],
        duration_minutes=240,
        granularity_minutes=60,
        window_start="2026-06-01T00:00:00Z",
        window_end="2026-06-04T00:00:00Z",
    )
    assert starts(r) == [
        "2026-06-01T20:00:00Z",
        "2026-06-01T21:00:00Z",
        "2026-06-01T22:00:00Z",
        "2026-06-03T10:00:00Z",
    ]


async def _exception(client: httpx.AsyncClient, who, start: str, end: str, level: str) -> None:  # type: ignore[no-untyped-def]
    r = await client.post(
        "/api/v1/me/exceptions",
        json={"starts_at": start, "ends_at": end, "level": level},
        headers=who.auth,
    )
    assert r.status_code == 201, r.text


async def test_exceptions_override_and_the_last_created_wins(client: httpx.AsyncClient) -> None:
    org, (ann, bob) = await _band(client)
    for who in (ann, bob):
        await set_pattern(client, who, every_day("10:00", "12:00"))
    # Ann: unavailable, then available again over the same range -> available
    await _exception(client, ann, "2026-06-01T10:00:00Z", "2026-06-01T12:00:00Z", "unavailable")
    await _exception(client, ann, "2026-06-01T09:00:00Z", "2026-06-01T12:00:00Z", "available")
    # Bob: available, then unavailable -> unavailable
    await _exception(client, bob, "2026-06-01T09:00:00Z", "2026-06-01T12:00:00Z", "available")
    await _exception(client, bob, "2026-06-01T10:00:00Z", "2026-06-01T12:00:00Z", "unavailable")
    window = {
        "window_start": "2026-06-01T00:00:00Z",
        "window_end": "2026-06-02T00:00:00Z",
        "duration_minutes": 60,
        "granularity_minutes": 60,
    }
    assert starts(await find(client, org, ann, required=[ann.id], **window)) == [
        "2026-06-01T09:00:00Z",
        "2026-06-01T10:00:00Z",
        "2026-06-01T11:00:00Z",
    ]
    assert starts(await find(client, org, ann, required=[bob.id], **window)) == [
        "2026-06-01T09:00:00Z"
    ]


async def test_if_need_be_is_listed_and_ranks_after_available(client: httpx.AsyncClient) -> None:
    org, (ann, bob) = await _band(client)
    await set_pattern(client, ann, every_day("10:00", "14:00"))
    await set_pattern(
        client,
        bob,
        [{"weekday": d, "start": "10:00", "end": "12:00", "level": "if_need_be"} for d in range(7)]
        + [
            {"weekday": d, "start": "12:00", "end": "14:00", "level": "available"} for d in range(7)
        ],
    )
    r = await find(
        client,
        org,
        ann,
        required=[ann.id, bob.id],
        granularity_minutes=60,
        window_start="2026-06-01T00:00:00Z",
        window_end="2026-06-02T00:00:00Z",
    )
    items = r.json()["items"]
    assert [i["starts_at"][11:16] for i in items] == ["12:00", "13:00", "10:00", "11:00"]
    assert items[0]["if_need_be"] == []
    assert items[2]["available"] == [ann.id, bob.id]
    assert items[2]["if_need_be"] == [bob.id]
    # a slot partly in if_need_be time counts as if_need_be
    r = await find(
        client,
        org,
        ann,
        required=[bob.id],
        duration_minutes=120,
        granularity_minutes=60,
        window_start="2026-06-01T11:00:00Z",
        window_end="2026-06-01T14:00:00Z",
    )
    assert [(i["starts_at"][11:16], i["if_need_be"]) for i in r.json()["items"]] == [
        ("12:00", []),
        ("11:00", [bob.id]),
    ]


async def test_required_optional_and_min_attendees(client: httpx.AsyncClient) -> None:
    org, (ann, bob, cat) = await _band(client, 3)
    await set_pattern(client, ann, every_day("10:00", "12:00"))
    await set_pattern(client, bob, every_day("11:00", "12:00"))
    # Cat never set a pattern: she has no availability
    window = {
        "window_start": "2026-06-01T00:00:00Z",
        "window_end": "2026-06-02T00:00:00Z",
        "granularity_minutes": 60,
    }
    r = await find(client, org, ann, required=[ann.id], optional=[bob.id, cat.id], **window)
    items = r.json()["items"]
    assert [(i["starts_at"][11:16], i["available"]) for i in items] == [
        ("11:00", [ann.id, bob.id]),
        ("10:00", [ann.id]),
    ]
    assert {u["user_id"] for u in items[0]["unavailable"]} == {cat.id}
    assert {u["user_id"] for u in items[1]["unavailable"]} == {bob.id, cat.id}
    r = await find(
        client, org, ann, required=[], optional=[ann.id, bob.id], min_attendees=2, **window
    )
    assert starts(r) == ["2026-06-01T11:00:00Z"]
    # a required person who cannot come rules every slot out
    assert starts(await find(client, org, ann, required=[ann.id, cat.id], **window)) == []
    # min_attendees defaults to 1: a slot nobody can come to is never listed
    assert starts(await find(client, org, ann, required=[], optional=[cat.id], **window)) == []


async def test_order_is_more_people_then_fewer_if_need_be_then_earlier(
    client: httpx.AsyncClient,
) -> None:
    org, (ann, bob, cat) = await _band(client, 3)
    await set_pattern(client, ann, every_day("08:00", "16:00"))
    await set_pattern(
        client, bob, every_day("12:00", "13:00", "if_need_be") + every_day("14:00", "15:00")
    )
    await set_pattern(
        client,
        cat,
        every_day("09:00", "10:00")
        + every_day("12:00", "13:00")
        + every_day("14:00", "15:00", "if_need_be"),
    )
    r = await find(
        client,
        org,
        ann,
        required=[],
        optional=[ann.id, bob.id, cat.id],
        granularity_minutes=60,
        window_start="2026-06-01T08:00:00Z",
        window_end="2026-06-01T16:00:00Z",
        limit=100,
    )
    got = [
        (i["starts_at"][11:16], len(i["available"]), len(i["if_need_be"]))
        for i in r.json()["items"]
    ]
    assert got[:2] == [("12:00", 3, 1), ("14:00", 3, 1)]
    assert got[2] == ("09:00", 2, 0)
    assert [g[0] for g in got[3:]] == ["08:00", "10:00", "11:00", "13:00", "15:00"]


async def test_grid_counts_from_window_start_and_ends_by_window_end(
    client: httpx.AsyncClient,
) -> None:
    org, (ann, _) = await _band(client)
    await set_pattern(client, ann, every_day("00:00", "24:00"))
    r = await find(
        client,
        org,
        ann,
        required=[ann.id],
        duration_minutes=30,
        granularity_minutes=20,
        window_start="2026-06-01T10:07:00Z",
        window_end="2026-06-01T11:10:00Z",
    )
    assert starts(r) == ["2026-06-01T10:07:00Z", "2026-06-01T10:27:00Z"]


async def test_limit_default_and_maximum(client: httpx.AsyncClient) -> None:
    org, (ann, _) = await _band(client)
    await set_pattern(client, ann, every_day("00:00", "24:00"))
    window = {"window_start": "2026-06-01T00:00:00Z", "window_end": "2026-06-08T00:00:00Z"}
    assert len(starts(await find(client, org, ann, required=[ann.id], **window))) == 10
    assert len(starts(await find(client, org, ann, required=[ann.id], limit=100, **window))) == 100
    r = await find(client, org, ann, required=[ann.id], limit=101, **window)
    assert r.status_code == 422


async def test_window_over_366_days_answers_422(client: httpx.AsyncClient) -> None:
    org, (ann, _) = await _band(client)
    await set_pattern(client, ann, TUE_EVENING)
    r = await find(
        client,
        org,
        ann,
        required=[ann.id],
        window_start="2026-01-01T00:00:00Z",
        window_end="2027-01-02T00:00:01Z",
    )
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    r = await find(
        client,
        org,
        ann,
        required=[ann.id],
        granularity_minutes=1440,
        window_start="2026-01-01T00:00:00Z",
        window_end="2027-01-02T00:00:00Z",
    )
    assert r.status_code == 200, r.text


async def test_listed_non_member_and_non_member_caller_answer_404(
    client: httpx.AsyncClient,
) -> None:
    org, (ann, _) = await _band(client)
    eve = await signup(client, "eve@example.com")
    await make_org(client, eve, "Other band")
    window = {"window_start": "2026-06-01T00:00:00Z", "window_end": "2026-06-02T00:00:00Z"}
    r = await find(client, org, ann, required=[ann.id], optional=[eve.id], **window)
    assert r.status_code == 404, r.text
    r = await find(client, org, ann, required=[eve.id], **window)
    assert r.status_code == 404
    r = await find(client, org, eve, required=[eve.id], **window)
    assert r.status_code == 404
    r = await client.post(
        f"/api/v1/orgs/{org}/find-a-time",
        json={"duration_minutes": 60, "required": [ann.id], "optional": [], **window},
    )
    assert r.status_code == 401


async def test_attended_events_are_busy_and_times_are_half_open(
    client: httpx.AsyncClient,
) -> None:
    org, (ann, bob) = await _band(client)
    await set_pattern(client, bob, every_day("10:00", "14:00"))
    r = await client.post(
        f"/api/v1/orgs/{org}/calendar-events",
        json={
            "name": "Gig",
            "starts_at": "2026-06-01T11:00:00Z",
            "ends_at": "2026-06-01T12:00:00Z",
            "attendees": [bob.id],
        },
        headers=ann.auth,
    )
    assert r.status_code == 201, r.text
    r = await find(
        client,
        org,
        ann,
        required=[bob.id],
        granularity_minutes=60,
        window_start="2026-06-01T00:00:00Z",
        window_end="2026-06-02T00:00:00Z",
    )
    assert starts(r) == ["2026-06-01T10:00:00Z", "2026-06-01T12:00:00Z", "2026-06-01T13:00:00Z"]
    # a declined invitation is not busy time
    event_id = (await client.get(f"/api/v1/orgs/{org}/calendar-events", headers=ann.auth)).json()[
        "items"
    ][0]["id"]
    r = await client.post(
        f"/api/v1/calendar-events/{event_id}/rsvp", json={"rsvp": "declined"}, headers=bob.auth
    )
    assert r.status_code == 200, r.text
    r = await find(
        client,
        org,
        ann,
        required=[bob.id],
        granularity_minutes=60,
        window_start="2026-06-01T00:00:00Z",
        window_end="2026-06-02T00:00:00Z",
    )
    assert len(starts(r)) == 4


async def test_confirmed_bookings_are_busy(client: httpx.AsyncClient) -> None:
    org, (ann, bob) = await _band(client)
    await set_pattern(client, bob, every_day("10:00", "14:00"))
    r = await client.post(
        f"/api/v1/orgs/{org}/events",
        json={
            "name": "Concert",
            "starts_at": "2027-06-01T12:00:00Z",
            "ends_at": "2027-06-01T13:00:00Z",
            "capacity": 10,
        },
        headers=ann.auth,
    )
    assert r.status_code == 201, r.text
    r = await client.post(
        f"/api/v1/events/{r.json()['id']}/bookings", json={"quantity": 1}, headers=bob.auth
    )
    assert r.status_code == 201, r.text
    r = await find(
        client,
        org,
        ann,
        required=[bob.id],
        granularity_minutes=60,
        window_start="2027-06-01T00:00:00Z",
        window_end="2027-06-02T00:00:00Z",
    )
    assert starts(r) == ["2027-06-01T10:00:00Z", "2027-06-01T11:00:00Z", "2027-06-01T13:00:00Z"]
    unavailable = r.json()["items"]
    assert all(bob.id in i["available"] for i in unavailable)
