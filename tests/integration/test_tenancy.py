"""Every route of the API, called by a member of another organisation, answers 404.

The route list comes from the app's own OpenAPI description, so a new route is covered the
day it is added; a route with a path parameter this test cannot fill fails loudly.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from tests.integration.conftest import add_member, make_org, signup


async def _private_venue(
    client: httpx.AsyncClient, org_id: str, auth: dict[str, str]
) -> dict[str, str]:
    """An unpublished venue of the org, with an area, a table, an exception, a reservation."""
    base = f"/api/v1/orgs/{org_id}/venue"
    venue = await client.put(base, json={"name": "Bar", "timezone": "UTC"}, headers=auth)
    week = [{"weekday": d, "start": "00:00", "end": "24:00"} for d in range(7)]
    await client.put(f"{base}/hours", json={"weekly": week}, headers=auth)
    area = await client.post(f"{base}/areas", json={"name": "Main"}, headers=auth)
    table = await client.post(
        f"{base}/tables",
        json={"name": "T1", "area_id": area.json()["id"], "seats_max": 4},
        headers=auth,
    )
    closed = await client.post(f"{base}/exceptions", json={"day": "2030-01-01"}, headers=auth)
    start = (datetime.now(UTC) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    reservation = await client.post(
        f"{base}/reservations",
        json={
            "starts_at": start.isoformat(),
            "party_size": 2,
            "guest_name": "Walk-in",
            "guest_email": "regular@example.com",  # makes a guest book profile
        },
        headers=auth,
    )
    assert reservation.status_code == 201, reservation.text
    return {
        "venue_id": venue.json()["id"],
        "area_id": area.json()["id"],
        "table_id": table.json()["id"],
        "exception_id": closed.json()["id"],
        "reservation_id": reservation.json()["id"],
        "guest_id": reservation.json()["guest_id"],
    }


# Routes whose path parameter is a secret the caller brings, not another tenant's id:
# they answer 404 for unknown secrets and follow their own documented rules otherwise.
SECRET_PARAM_ROUTES = {
    "/api/v1/invitations/{token}/accept",
    "/api/v1/calendar-feeds/{token}.ics",
    "/api/v1/league-feeds/{token}.ics",
}
# Ids of things that only exist under an `{org_id}` of the same route: the organisation
# check answers first, so any well-formed id exercises it.
UNDER_ORG_ONLY = {
    "job_id": "0" * 32,
    "webhook_id": "0" * 32,
    "holiday_id": "0" * 32,
    "resource_id": "0" * 32,
    "target_id": "0" * 32,
    "season_id": "0" * 32,
    "team_id": "0" * 32,
    "rule_id": "0" * 32,
    "run_id": "0" * 32,
}
MINIMAL_ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\n"
    "UID:x@t\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270101T100000Z\r\n"
    "DTEND:20270101T110000Z\r\nSUMMARY:Busy\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


async def test_other_tenants_ids_answer_404_on_every_route(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await signup(client, "owner-a@example.com")
    member = await signup(client, "member-a@example.com")
    org_a = await make_org(client, owner, "Org A")
    await add_member(client, org_a, owner, member)
    invitation = await client.post(
        f"/api/v1/orgs/{org_a}/invitations",
        json={"email": "later@example.com", "role": "member"},
        headers=owner.auth,
    )
    event = {
        "name": "Gig",
        "starts_at": "2027-01-01T20:00:00Z",
        "ends_at": "2027-01-01T23:00:00Z",
        "capacity": 2,
    }
    public = await client.post(f"/api/v1/orgs/{org_a}/events", json=event, headers=owner.auth)
    draft = await client.post(
        f"/api/v1/orgs/{org_a}/events", json={**event, "draft": True}, headers=owner.auth
    )
    booking = await client.post(
        f"/api/v1/events/{public.json()['id']}/bookings", json={"quantity": 2}, headers=member.auth
    )
    entry = await client.post(
        f"/api/v1/events/{public.json()['id']}/waitlist", json={"quantity": 1}, headers=owner.auth
    )
    ticket_type = await client.post(
        f"/api/v1/events/{draft.json()['id']}/ticket-types",
        json={"name": "VIP", "price_cents": 5000, "quota": 1},
        headers=owner.auth,
    )
    venue = await _private_venue(client, org_a, owner.auth)
    await client.post(f"/api/v1/orgs/{org_a}/notifications/test", headers=owner.auth)
    notes = await client.get("/api/v1/notifications", headers=owner.auth)
    notification_id = notes.json()["items"][0]["id"]
    imported = await client.post(
        "/api/v1/me/calendar-imports", json={"ics": MINIMAL_ICS}, headers=member.auth
    )
    assert imported.status_code == 201, imported.text
    samples = {
        **venue,
        "org_id": org_a,
        "user_id": member.id,
        "invitation_id": invitation.json()["id"],
        # Published events are public by contract; a draft is the org's private resource.
        "event_id": draft.json()["id"],
        "booking_id": booking.json()["id"],
        "ticket_id": booking.json()["tickets"][0]["id"],
        "entry_id": entry.json()["id"],
        "type_id": ticket_type.json()["id"],
        "notification_id": notification_id,
        "import_id": imported.json()["id"],
        **UNDER_ORG_ONLY,
    }

    outsider = await signup(client, "owner-b@example.com")
    await make_org(client, outsider, "Org B")

    checked = 0
    for path, operations in app.openapi()["paths"].items():
        if "{" not in path or not path.startswith("/api/") or path in SECRET_PARAM_ROUTES:
            continue
        params = [part[1:-1] for part in path.split("/") if part.startswith("{")]
        missing = [p for p in params if p not in samples]
        assert not missing, f"add a sample id for {missing} of {path} to this test"
        url = path.format(**samples)
        for method in operations:
            r = await client.request(method.upper(), url, json={}, headers=outsider.auth)
            assert r.status_code == 404, f"{method.upper()} {path} answered {r.status_code}"
            assert r.headers["content-type"].startswith("application/problem+json")
            checked += 1
    assert checked >= 5
    # The owner still sees everything: the 404s above were about tenancy, not broken routes.
    assert (
        await client.get(f"/api/v1/orgs/{org_a}/members", headers=owner.auth)
    ).status_code == 200
