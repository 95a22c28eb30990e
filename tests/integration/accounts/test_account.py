"""The person's own account: profile, password change and reset, TOTP, export, deletion."""

from __future__ import annotations

import re

import httpx
import pyotp
from fastapi import FastAPI
from sqlalchemy import select

from cadence.http.state import AppState
from cadence.notify.models import OutboxEmail
from tests.integration.conftest import PASSWORD, make_org, signup


async def _last_email(app: FastAPI, kind: str) -> OutboxEmail:
    state: AppState = app.state.cadence
    async with state.sessions() as s:
        rows = (
            await s.scalars(
                select(OutboxEmail).where(OutboxEmail.kind == kind).order_by(OutboxEmail.id)
            )
        ).all()
    assert rows, f"no {kind} email queued"
    return rows[-1]


async def login(
    client: httpx.AsyncClient, email: str, password: str, **extra: str
) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/login", json={"email": email, "password": password, **extra}
    )


async def test_profile_update_validates_timezone(client: httpx.AsyncClient) -> None:
    p = await signup(client, "p@example.com")
    ok = await client.patch(
        "/api/v1/me", json={"timezone": "America/New_York", "name": "Pat"}, headers=p.auth
    )
    assert ok.status_code == 200 and ok.json()["timezone"] == "America/New_York"
    bad = await client.patch("/api/v1/me", json={"timezone": "Nowhere/Land"}, headers=p.auth)
    assert bad.status_code == 422


async def test_password_change_ends_other_logins(client: httpx.AsyncClient) -> None:
    p = await signup(client, "p@example.com")
    other = (await login(client, p.email, PASSWORD)).json()
    wrong = await client.post(
        "/api/v1/me/password",
        json={"current_password": "not it at all", "new_password": "a brand new one"},
        headers=p.auth,
    )
    assert wrong.status_code == 422
    r = await client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "a brand new one"},
        headers=p.auth,
    )
    assert r.status_code == 204
    assert (await client.get("/api/v1/me", headers=p.auth)).status_code == 200
    gone = {"Authorization": f"Bearer {other['access_token']}"}
    assert (await client.get("/api/v1/me", headers=gone)).status_code == 401
    assert (await login(client, p.email, PASSWORD)).status_code == 401
    assert (await login(client, p.email, "a brand new one")).status_code == 200


async def test_password_reset_token_is_single_use(client: httpx.AsyncClient, app: FastAPI) -> None:
    p = await signup(client, "p@example.com")
    r = await client.post("/api/v1/auth/password-reset", json={"email": "P@example.com"})
    assert r.status_code == 202
    unknown = await client.post("/api/v1/auth/password-reset", json={"email": "who@example.com"})
    assert unknown.status_code == 202 and unknown.json() == r.json()
    email = await _last_email(app, "password_reset")
    assert email.to_addr == p.email
    token = re.search(r"Reset token: (\S+)", email.body_text).group(1)  # type: ignore[union-attr]
    body = {"token": token, "new_password": "reset and renewed"}
    assert (await client.post("/api/v1/auth/password-reset/confirm", json=body)).status_code == 204
    again = await client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "another new one"},
    )
    assert again.status_code == 422
    assert (await client.get("/api/v1/me", headers=p.auth)).status_code == 401
    assert (await login(client, p.email, "reset and renewed")).status_code == 200


async def test_totp_enrol_login_and_recovery(client: httpx.AsyncClient) -> None:
    p = await signup(client, "p@example.com")
    setup = await client.post("/api/v1/me/totp", headers=p.auth)
    assert setup.status_code == 200
    secret = setup.json()["secret"]
    assert setup.json()["otpauth_uri"].startswith("otpauth://totp/")
    assert "<svg" in setup.json()["qr_svg"]
    bad = await client.post("/api/v1/me/totp/confirm", json={"code": "000000"}, headers=p.auth)
    assert bad.status_code == 422
    codes = await client.post(
        "/api/v1/me/totp/confirm", json={"code": pyotp.TOTP(secret).now()}, headers=p.auth
    )
    assert codes.status_code == 200
    recovery = codes.json()["recovery_codes"]
    assert len(recovery) == 10
    needs = await login(client, p.email, PASSWORD)
    assert needs.status_code == 401 and needs.json()["type"].endswith("totp-required")
    assert (
        await login(client, p.email, PASSWORD, totp_code=pyotp.TOTP(secret).now())
    ).status_code == 200
    assert (await login(client, p.email, PASSWORD, recovery_code=recovery[0])).status_code == 200
    assert (await login(client, p.email, PASSWORD, recovery_code=recovery[0])).status_code == 401


async def test_export_and_delete(client: httpx.AsyncClient) -> None:
    p = await signup(client, "p@example.com")
    org = await make_org(client, p, "Mine")
    export = await client.get("/api/v1/me/export", headers=p.auth)
    assert export.status_code == 200
    data = export.json()
    assert data["account"]["email"] == p.email and "password_hash" not in data["account"]
    assert data["memberships"][0]["organisation"]["id"] == org
    assert any(a["action"] == "org.create" for a in data["activity"])
    assert "token_hash" not in str(data)
    wrong = await client.post("/api/v1/me/delete", json={"password": "wrong one!!"}, headers=p.auth)
    assert wrong.status_code == 422
    assert (
        await client.post("/api/v1/me/delete", json={"password": PASSWORD}, headers=p.auth)
    ).status_code == 204
    assert (await login(client, p.email, PASSWORD)).status_code == 401
    again = await client.post(
        "/api/v1/auth/register", json={"email": p.email, "password": PASSWORD, "name": "Back"}
    )
    assert again.status_code == 201


async def test_sole_owner_with_members_cannot_delete(client: httpx.AsyncClient) -> None:
    from tests.integration.conftest import add_member

    owner = await signup(client, "o@example.com")
    member = await signup(client, "m@example.com")
    org = await make_org(client, owner)
    await add_member(client, org, owner, member)
    r = await client.post("/api/v1/me/delete", json={"password": PASSWORD}, headers=owner.auth)
    assert r.status_code == 409
