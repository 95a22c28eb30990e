"""Resources take part in find-a-time and in the conflict warnings of events that book them."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.availability.helpers import every_day, find, set_pattern, starts
from tests.integration.conftest import Person, make_org, signup

MONDAY_9_TO_5 = [{"weekday": 0, "start": "09:00", "end": "17:00", "level": "available"}]
DAY = {"window_start": "2026-06-01T00:00:00Z", "window_end": "2026-06-02T00:00:00Z"}


async def _room(client: httpx.AsyncClient, org: str, owner: Person, name: str = "Room") -> str:
    r = await client.post(
        f"/api/v1/orgs/{org}/resources",
        json={"name": name, "timezone": "UTC", "weekly": MONDAY_9_TO_5},
        headers=owner.auth,
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def _event(
    client: httpx.AsyncClient, org: str, who: Person, start: str, end: str, **extra: Any
) -> httpx.Response:
    body = {"name": "Rehearsal", "starts_at": start, "ends_at": end, "timezone": "UTC"}
    return await client.post(
        f"/api/v1/orgs/{org}/calendar-events", json=body | extra, headers=who.auth
    )


async def test_find_a_time_needs_every_resource_free(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    org = await make_org(client, ann)
    await set_pattern(client, ann, every_day("08:00", "20:00"))
    room = await _room(client, org, ann)
    booked = await _event(
        client, org, ann, "2026-06-01T10:00:00Z", "2026-06-01T11:00:00Z", resources=[room]
    )
    assert booked.status_code == 201, booked.text
    assert booked.json()["resources"] == [room]

    alone = starts(await find(client, org, ann, required=[ann.id], limit=100, **DAY))
    assert alone[0] == "2026-06-01T08:00:00Z"
    with_room = starts(
        await find(client, org, ann, required=[ann.id], resources=[room], limit=100, **DAY)
    )
    # Open 09-17, booked 10-11: 09:00 fits, 09:15-10:45 overlap the booking, 16:00 is last.
    assert with_room[:2] == ["2026-06-01T09:00:00Z", "2026-06-01T11:00:00Z"]
    assert with_room[-1] == "2026-06-01T16:00:00Z"
    assert len(with_room) == 1 + 21
    r = await find(client, org, ann, required=[ann.id], resources=[room], **DAY)
    assert r.json()["items"][0]["available"] == [ann.id]  # a room is not an attendee

    # A room closed by an exception, then the booking cancelled: it frees up again.
    r = await client.post(
        f"/api/v1/orgs/{org}/resources/{room}/exceptions",
        json={
            "starts_at": "2026-06-01T14:00:00Z",
            "ends_at": "2026-06-01T17:00:00Z",
            "level": "unavailable",
        },
        headers=ann.auth,
    )
    assert r.status_code == 201, r.text
    r = await client.post(
        f"/api/v1/calendar-events/{booked.json()['id']}/cancel", json={}, headers=ann.auth
    )
    assert r.status_code == 200, r.text
    with_room = starts(
        await find(client, org, ann, required=[ann.id], resources=[room], limit=100, **DAY)
    )
    assert with_room[0] == "2026-06-01T09:00:00Z" and "2026-06-01T10:00:00Z" in with_room
    assert with_room[-1] == "2026-06-01T13:00:00Z"


async def test_another_orgs_or_unknown_resource_answers_404(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    bea = await signup(client, "bea@example.com")
    org_a = await make_org(client, ann, "A")
    org_b = await make_org(client, bea, "B")
    theirs = await _room(client, org_b, bea)
    for rid in (theirs, "0" * 32):
        r = await find(client, org_a, ann, required=[ann.id], resources=[rid], **DAY)
        assert r.status_code == 404, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        r = await _event(
            client, org_a, ann, "2026-06-01T10:00:00Z", "2026-06-01T11:00:00Z", resources=[rid]
        )
        assert r.status_code == 404, r.text
    mine = await _room(client, org_a, ann)
    r = await _event(client, org_a, ann, "2026-06-01T10:00:00Z", "2026-06-01T11:00:00Z")
    r = await client.patch(
        f"/api/v1/calendar-events/{r.json()['id']}",
        json={"version": 1, "resources": [mine, theirs]},
        headers=ann.auth,
    )
    assert r.status_code == 404
    assert (await client.get(f"/api/v1/orgs/{org_b}/resources/{theirs}", headers=bea.auth)).json()


async def test_booking_a_taken_or_closed_resource_warns(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    org = await make_org(client, ann)
    room = await _room(client, org, ann)
    hall = await _room(client, org, ann, "Hall")
    first = await _event(
        client, org, ann, "2026-06-01T10:00:00Z", "2026-06-01T11:00:00Z", resources=[room]
    )
    assert first.json()["resource_conflicts"] == []

    clash = await _event(
        client,
        org,
        ann,
        "2026-06-01T10:30:00Z",
        "2026-06-01T11:30:00Z",
        name="Lesson",
        resources=[room, hall],
    )
    assert clash.status_code == 201, clash.text
    assert clash.json()["resources"] == [hall, room]  # by name
    assert clash.json()["resource_conflicts"] == [
        {
            "resource_id": room,
            "starts_at": "2026-06-01T10:30:00Z",
            "ends_at": "2026-06-01T11:30:00Z",
            "reason": "busy",
            "busy_starts_at": "2026-06-01T10:00:00Z",
            "busy_ends_at": "2026-06-01T11:00:00Z",
            "title": "Rehearsal",
        }
    ]
    event_id = clash.json()["id"]

    # Moved to the evening: the rooms close at 17:00.
    r = await client.patch(
        f"/api/v1/calendar-events/{event_id}",
        json={"version": 1, "starts_at": "2026-06-01T18:00:00Z", "ends_at": "2026-06-01T19:00:00Z"},
        headers=ann.auth,
    )
    assert r.status_code == 200, r.text
    reasons = {(c["resource_id"], c["reason"]) for c in r.json()["resource_conflicts"]}
    assert reasons == {(room, "closed"), (hall, "closed")}

    # Moved back onto the rehearsal with only the hall: no clash; a weekly series clashes
    # with the one-off rehearsal on its first occurrence only.
    r = await client.patch(
        f"/api/v1/calendar-events/{event_id}",
        json={
            "version": 2,
            "starts_at": "2026-06-01T10:30:00Z",
            "ends_at": "2026-06-01T11:30:00Z",
            "resources": [hall],
        },
        headers=ann.auth,
    )
    assert (r.json()["resources"], r.json()["resource_conflicts"]) == ([hall], [])
    series = await _event(
        client,
        org,
        ann,
        "2026-06-01T10:15:00Z",
        "2026-06-01T10:45:00Z",
        rrule="FREQ=WEEKLY;COUNT=3",
        resources=[room],
    )
    conflicts = series.json()["resource_conflicts"]
    assert [(c["starts_at"], c["reason"]) for c in conflicts] == [("2026-06-01T10:15:00Z", "busy")]
    # The rehearsal itself now sees the series as taking its room (and the person conflicts
    # of events are unchanged: nobody attends these).
    r = await client.patch(
        f"/api/v1/calendar-events/{first.json()['id']}",
        json={"version": 1, "name": "Rehearsal"},
        headers=ann.auth,
    )
    assert [c["title"] for c in r.json()["resource_conflicts"]] == ["Rehearsal"]
    assert r.json()["conflicts"] == []
