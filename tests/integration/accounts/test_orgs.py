"""Organisations, roles and invitations, as the contract states them."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select

from cadence.clock import SystemClock
from cadence.http.state import AppState
from cadence.notify.models import OutboxEmail
from tests.integration.conftest import add_member, make_org, signup


async def test_creator_becomes_owner_and_sees_the_org(client: httpx.AsyncClient) -> None:
    owner = await signup(client, "own@example.com")
    r = await client.post(
        "/api/v1/orgs", json={"name": "Night Owls", "timezone": "Europe/London"}, headers=owner.auth
    )
    assert r.status_code == 201
    org = r.json()
    assert {"id", "name", "timezone"} <= set(org) and org["timezone"] == "Europe/London"
    listed = (await client.get("/api/v1/orgs", headers=owner.auth)).json()["items"]
    assert [o["id"] for o in listed] == [org["id"]]
    members = (await client.get(f"/api/v1/orgs/{org['id']}/members", headers=owner.auth)).json()
    assert members["items"] == [
        {
            "user_id": owner.id,
            "name": owner.name,
            "email": owner.email,
            "role": "owner",
            "joined_at": members["items"][0]["joined_at"],
        }
    ]


async def test_org_needs_a_real_timezone_and_a_sane_name(client: httpx.AsyncClient) -> None:
    owner = await signup(client, "own@example.com")
    for body in (
        {"name": "X", "timezone": "Mars/Olympus"},
        {"name": "", "timezone": "UTC"},
        {"name": "x" * 201, "timezone": "UTC"},
        {"name": "X"},
    ):
        r = await client.post("/api/v1/orgs", json=body, headers=owner.auth)
        assert r.status_code == 422, body
        assert r.headers["content-type"].startswith("application/problem+json")


async def test_invitation_flow(client: httpx.AsyncClient, app: object) -> None:
    owner = await signup(client, "own@example.com")
    guest = await signup(client, "Guest@Example.com")
    org = await make_org(client, owner)
    r = await client.post(
        f"/api/v1/orgs/{org}/invitations",
        json={"email": "guest@example.com", "role": "manager"},
        headers=owner.auth,
    )
    assert r.status_code == 201
    inv = r.json()
    assert {"id", "token", "email", "role", "expires_at"} <= set(inv)
    assert inv["role"] == "manager" and inv["expires_at"].endswith("Z")
    # Exactly one email, to the invitee only, containing the token.
    state: AppState = app.state.cadence  # type: ignore[attr-defined]
    async with state.sessions() as s:
        mails = (await s.scalars(select(OutboxEmail).where(OutboxEmail.kind == "invitation"))).all()
    assert len(mails) == 1 and mails[0].to_addr == "guest@example.com"
    assert inv["token"] in mails[0].body_text
    accepted = await client.post(f"/api/v1/invitations/{inv['token']}/accept", headers=guest.auth)
    assert accepted.status_code == 200
    assert accepted.json()["role"] == "manager" and accepted.json()["org_id"] == org
    members = (await client.get(f"/api/v1/orgs/{org}/members", headers=guest.auth)).json()["items"]
    assert {m["user_id"]: m["role"] for m in members} == {owner.id: "owner", guest.id: "manager"}


async def test_only_the_invited_email_can_accept(client: httpx.AsyncClient) -> None:
    owner = await signup(client, "own@example.com")
    intruder = await signup(client, "intruder@example.com")
    org = await make_org(client, owner)
    r = await client.post(
        f"/api/v1/orgs/{org}/invitations",
        json={"email": "guest@example.com", "role": "member"},
        headers=owner.auth,
    )
    refused = await client.post(
        f"/api/v1/invitations/{r.json()['token']}/accept", headers=intruder.auth
    )
    assert refused.status_code == 403
    assert (await client.get(f"/api/v1/orgs/{org}", headers=intruder.auth)).status_code == 404


async def test_expired_invitation_answers_410(client: httpx.AsyncClient, app: object) -> None:
    owner = await signup(client, "own@example.com")
    guest = await signup(client, "guest@example.com")
    org = await make_org(client, owner)
    r = await client.post(
        f"/api/v1/orgs/{org}/invitations",
        json={"email": guest.email, "role": "member"},
        headers=owner.auth,
    )
    state: AppState = app.state.cadence  # type: ignore[attr-defined]

    class Later(SystemClock):
        def now(self):  # type: ignore[no-untyped-def]
            return super().now() + timedelta(days=8)

    state.clock = Later()
    # Fresh tokens for the later time (the old access token has expired by then).
    login = await client.post(
        "/api/v1/auth/login", json={"email": guest.email, "password": "correct horse battery"}
    )
    auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
    gone = await client.post(f"/api/v1/invitations/{r.json()['token']}/accept", headers=auth)
    assert gone.status_code == 410
    assert (await client.get(f"/api/v1/orgs/{org}", headers=auth)).status_code == 404


async def test_role_changes_are_for_owners_and_admins(client: httpx.AsyncClient) -> None:
    owner = await signup(client, "own@example.com")
    admin = await signup(client, "adm@example.com")
    member = await signup(client, "mem@example.com")
    org = await make_org(client, owner)
    await add_member(client, org, owner, admin, "admin")
    await add_member(client, org, owner, member, "member")
    path = f"/api/v1/orgs/{org}/members/{member.id}"
    assert (
        await client.patch(path, json={"role": "manager"}, headers=member.auth)
    ).status_code == 403
    r = await client.patch(path, json={"role": "manager"}, headers=admin.auth)
    assert r.status_code == 200 and r.json()["role"] == "manager"
    # An admin cannot make owners; nobody can remove the last owner.
    assert (await client.patch(path, json={"role": "owner"}, headers=admin.auth)).status_code == 403
    demote = await client.patch(
        f"/api/v1/orgs/{org}/members/{owner.id}", json={"role": "admin"}, headers=owner.auth
    )
    assert demote.status_code == 409
    assert (
        await client.patch(path, json={"role": "emperor"}, headers=owner.auth)
    ).status_code == 422
    audit = (await client.get(f"/api/v1/orgs/{org}/audit", headers=admin.auth)).json()["items"]
    change = next(e for e in audit if e["action"] == "member.role_change")
    assert change["before"] == {"role": "member"} and change["after"] == {"role": "manager"}
    assert change["actor_id"] == admin.id and change["request_id"]
    assert (await client.get(f"/api/v1/orgs/{org}/audit", headers=member.auth)).status_code == 403


async def test_members_cannot_invite(client: httpx.AsyncClient) -> None:
    owner = await signup(client, "own@example.com")
    member = await signup(client, "mem@example.com")
    org = await make_org(client, owner)
    await add_member(client, org, owner, member, "manager")
    r = await client.post(
        f"/api/v1/orgs/{org}/invitations",
        json={"email": "x@example.com", "role": "member"},
        headers=member.auth,
    )
    assert r.status_code == 403


async def test_another_tenants_org_answers_404(client: httpx.AsyncClient) -> None:
    a = await signup(client, "a@example.com")
    b = await signup(client, "b@example.com")
    org_a = await make_org(client, a)
    for method, path, body in [
        ("GET", f"/api/v1/orgs/{org_a}", None),
        ("GET", f"/api/v1/orgs/{org_a}/members", None),
        ("PATCH", f"/api/v1/orgs/{org_a}/members/{a.id}", {"role": "viewer"}),
        ("POST", f"/api/v1/orgs/{org_a}/invitations", {"email": "z@example.com", "role": "member"}),
    ]:
        r = await client.request(method, path, json=body, headers=b.auth)
        assert r.status_code == 404, (method, path)
        assert org_a not in r.text or "Nothing" in r.text
