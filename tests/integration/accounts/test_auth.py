"""Registration, login, refresh rotation, logout: the contract's auth calls."""

from __future__ import annotations

import httpx

from tests.integration.conftest import PASSWORD, signup


async def test_register_returns_the_account(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/auth/register",
        json={"email": "Ann@Example.com", "password": PASSWORD, "name": "Ann"},
    )
    assert r.status_code == 201
    body = r.json()
    assert body["email"].lower() == "ann@example.com" and body["name"] == "Ann" and body["id"]


async def test_emails_are_unique_case_insensitively(client: httpx.AsyncClient) -> None:
    await signup(client, "ann@example.com")
    r = await client.post(
        "/api/v1/auth/register",
        json={"email": "ANN@example.COM", "password": PASSWORD, "name": "X"},
    )
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 409


async def test_register_rejects_bad_email_and_short_password(client: httpx.AsyncClient) -> None:
    bad_email = await client.post(
        "/api/v1/auth/register", json={"email": "not-an-email", "password": PASSWORD, "name": "A"}
    )
    short = await client.post(
        "/api/v1/auth/register",
        json={"email": "a@example.com", "password": "123456789", "name": "A"},
    )
    assert bad_email.status_code == 422 and short.status_code == 422
    assert any(e["field"] == "password" for e in short.json()["errors"])


async def test_login_with_any_case_of_the_email(client: httpx.AsyncClient) -> None:
    await signup(client, "bo@example.com")
    r = await client.post(
        "/api/v1/auth/login", json={"email": "BO@EXAMPLE.com", "password": PASSWORD}
    )
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 900
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert set(me.json()) >= {"id", "email", "name", "timezone"}


async def test_bad_credentials_answer_401(client: httpx.AsyncClient) -> None:
    await signup(client, "cy@example.com")
    wrong = await client.post(
        "/api/v1/auth/login", json={"email": "cy@example.com", "password": "wrong password"}
    )
    unknown = await client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.com", "password": PASSWORD}
    )
    assert wrong.status_code == 401 and unknown.status_code == 401


async def test_ten_failures_lock_the_email_with_retry_after(client: httpx.AsyncClient) -> None:
    await signup(client, "dee@example.com")
    for _ in range(10):
        r = await client.post(
            "/api/v1/auth/login", json={"email": "dee@example.com", "password": "nope nope nope"}
        )
        assert r.status_code == 401
    locked = await client.post(
        "/api/v1/auth/login", json={"email": "Dee@example.com", "password": PASSWORD}
    )
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    other = await client.post(
        "/api/v1/auth/login", json={"email": "someone@example.com", "password": "x"}
    )
    assert other.status_code == 401


async def test_refresh_rotates_and_reuse_ends_the_login(client: httpx.AsyncClient) -> None:
    p = await signup(client, "eve@example.com")
    first = await client.post("/api/v1/auth/refresh", json={"refresh_token": p.refresh})
    assert first.status_code == 200
    new = first.json()
    assert new["refresh_token"] != p.refresh
    ok = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {new['access_token']}"})
    assert ok.status_code == 200
    replay = await client.post("/api/v1/auth/refresh", json={"refresh_token": p.refresh})
    assert replay.status_code == 401
    # The whole family is dead: the newest refresh token and every access token.
    again = await client.post("/api/v1/auth/refresh", json={"refresh_token": new["refresh_token"]})
    assert again.status_code == 401
    for access in (p.access, new["access_token"]):
        r = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {access}"})
        assert r.status_code == 401


async def test_logout_ends_the_login(client: httpx.AsyncClient) -> None:
    p = await signup(client, "fay@example.com")
    other = await client.post("/api/v1/auth/login", json={"email": p.email, "password": PASSWORD})
    r = await client.post("/api/v1/auth/logout", headers=p.auth)
    assert r.status_code == 204
    assert (await client.get("/api/v1/me", headers=p.auth)).status_code == 401
    assert (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": p.refresh})
    ).status_code == 401
    # Another login of the same person is untouched.
    still = {"Authorization": f"Bearer {other.json()['access_token']}"}
    assert (await client.get("/api/v1/me", headers=still)).status_code == 200


async def test_calls_without_a_token_answer_401(client: httpx.AsyncClient) -> None:
    for method, path in [
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/orgs"),
        ("POST", "/api/v1/orgs"),
        ("POST", "/api/v1/auth/logout"),
    ]:
        r = await client.request(method, path, headers={"Authorization": "Bearer garbage"})
        assert r.status_code == 401, (method, path)
        r = await client.request(method, path)
        assert r.status_code == 401, (method, path)
        assert r.json()["type"].endswith("unauthorized")
