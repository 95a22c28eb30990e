"""Calendar events of an organisation: versions, SEQUENCE, series overrides, RSVPs, conflicts."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.conftest import Person, add_member, make_org, signup

BASE = {"name": "Rehearsal", "starts_at": "2027-03-02T19:00:00Z", "ends_at": "2027-03-02T21:00:00Z"}


async def _create(client: httpx.AsyncClient, org: str, who: Person, **extra: Any) -> dict[str, Any]:
    r = await client.post(
        f"/api/v1/orgs/{org}/calendar-events", json={**BASE, **extra}, headers=who.auth
    )
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_create_update_with_version_and_sequence(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    org = await make_org(client, ann)
    ev = await _create(client, org, ann)
    assert (ev["sequence"], ev["version"], ev["timezone"]) == (0, 1, "Europe/London")
    r = await client.patch(
        f"/api/v1/calendar-events/{ev['id']}",
        json={
            "version": 1,
            "name": "Rehearsal (moved)",
            "starts_at": "2027-03-02T20:00:00Z",
            "ends_at": "2027-03-02T22:00:00Z",
        },
        headers=ann.auth,
    )
    assert r.status_code == 200, r.text
    assert (r.json()["sequence"], r.json()["version"]) == (1, 2)
    assert r.json()["starts_at"] == "2027-03-02T20:00:00Z"
    stale = await client.patch(
        f"/api/v1/calendar-events/{ev['id']}", json={"version": 1, "name": "x"}, headers=ann.auth
    )
    assert stale.status_code == 409
    assert stale.json()["type"].endswith("stale-edit")
    bad = await client.patch(
        f"/api/v1/calendar-events/{ev['id']}",
        json={"version": 2, "ends_at": "2027-03-01T00:00:00Z"},
        headers=ann.auth,
    )
    assert bad.status_code == 422


async def test_recurring_event_with_overrides(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    org = await make_org(client, ann)
    ev = await _create(
        client,
        org,
        ann,
        rrule="FREQ=WEEKLY;COUNT=6",
        starts_at="2027-03-16T19:00:00Z",
        ends_at="2027-03-16T21:00:00Z",
    )
    # London changes clocks on 28 March 2027: the series stays at 19:00 local
    r = await client.get(
        "/api/v1/me/calendar?from=2027-03-01T00:00:00Z&to=2027-05-01T00:00:00Z", headers=ann.auth
    )
    assert [o["starts_at"] for o in r.json()["items"]] == [
        "2027-03-16T19:00:00Z",
        "2027-03-23T19:00:00Z",
        "2027-03-30T18:00:00Z",
        "2027-04-06T18:00:00Z",
        "2027-04-13T18:00:00Z",
        "2027-04-20T18:00:00Z",
    ]
    r = await client.put(
        f"/api/v1/calendar-events/{ev['id']}/overrides",
        json={"recurrence_id": "2027-03-23T19:00:00Z", "cancelled": True},
        headers=ann.auth,
    )
    assert r.status_code == 200, r.text
    r = await client.put(
        f"/api/v1/calendar-events/{ev['id']}/overrides",
        json={
            "recurrence_id": "2027-03-30T18:00:00Z",
            "starts_at": "2027-03-31T18:00:00Z",
            "ends_at": "2027-03-31T20:00:00Z",
        },
        headers=ann.auth,
    )
    assert r.status_code == 200, r.text
    assert r.json()["sequence"] == 2
    r = await client.put(
        f"/api/v1/calendar-events/{ev['id']}/overrides",
        json={"recurrence_id": "2027-03-30T19:00:00Z", "cancelled": True},
        headers=ann.auth,
    )
    assert r.status_code == 422  # no occurrence starts then
    r = await client.get(
        "/api/v1/me/calendar?from=2027-03-01T00:00:00Z&to=2027-04-08T00:00:00Z", headers=ann.auth
    )
    assert [o["starts_at"] for o in r.json()["items"]] == [
        "2027-03-16T19:00:00Z",
        "2027-03-31T18:00:00Z",
        "2027-04-06T18:00:00Z",
    ]
    ics = (await client.get(f"/api/v1/events/{ev['id']}/ics", headers=ann.auth)).text
    assert ics.count("BEGIN:VEVENT") == 3
    assert "RECURRENCE-ID" in ics


async def test_conflict_warnings_name_the_overlapping_events(client: httpx.AsyncClient) -> None:
    ann, bob = await signup(client, "ann@example.com"), await signup(client, "bob@example.com")
    org = await make_org(client, ann)
    await add_member(client, org, ann, bob)
    first = await _create(client, org, ann, name="Gig", attendees=[bob.id])
    assert first["conflicts"] == []
    second = await _create(
        client,
        org,
        ann,
        name="Rehearsal",
        attendees=[bob.id],
        starts_at="2027-03-02T20:00:00Z",
        ends_at="2027-03-02T22:00:00Z",
    )
    assert [(c["user_id"], c["title"]) for c in second["conflicts"]] == [(bob.id, "Gig")]
    # moving it to start when the gig ends clears the warning (half-open times)
    r = await client.patch(
        f"/api/v1/calendar-events/{second['id']}",
        json={"version": 1, "starts_at": "2027-03-02T21:00:00Z", "ends_at": "2027-03-02T23:00:00Z"},
        headers=ann.auth,
    )
    assert r.json()["conflicts"] == []


async def test_roles_and_tenancy(client: httpx.AsyncClient) -> None:
    ann, vic, eve = [await signup(client, f"{n}@example.com") for n in ("ann", "vic", "eve")]
    org = await make_org(client, ann)
    await add_member(client, org, ann, vic, role="viewer")
    await make_org(client, eve, "Elsewhere")
    r = await client.post(f"/api/v1/orgs/{org}/calendar-events", json=BASE, headers=vic.auth)
    assert r.status_code == 403
    r = await client.post(f"/api/v1/orgs/{org}/calendar-events", json=BASE, headers=eve.auth)
    assert r.status_code == 404
    ev = await _create(client, org, ann)
    assert (
        await client.get(f"/api/v1/calendar-events/{ev['id']}", headers=eve.auth)
    ).status_code == 404
    r = await client.patch(
        f"/api/v1/calendar-events/{ev['id']}", json={"version": 1, "name": "x"}, headers=eve.auth
    )
    assert r.status_code == 404
    r = await client.patch(
        f"/api/v1/calendar-events/{ev['id']}", json={"version": 1, "name": "x"}, headers=vic.auth
    )
    assert r.status_code == 403
    r = await client.post(
        f"/api/v1/calendar-events/{ev['id']}/attendees", json={"user_id": eve.id}, headers=ann.auth
    )
    assert r.status_code == 404  # not a member of the organisation
    r = await client.post(
        f"/api/v1/orgs/{org}/calendar-events",
        json={**BASE, "rrule": "FREQ=SOMETIMES"},
        headers=ann.auth,
    )
    assert r.status_code == 422
