"""The edge of the API: problem+json everywhere, size limits, idempotency, service routes."""

from __future__ import annotations

import asyncio

import httpx

from tests.integration.conftest import signup


async def test_service_routes(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).status_code == 200
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"]["database"] == "ok"
    await client.get("/api/v1/me")
    metrics = await client.get("/metrics")
    assert metrics.status_code == 200 and "text/plain" in metrics.headers["content-type"]
    assert "cadence_http_requests_total" in metrics.text
    spec = (await client.get("/openapi.json")).json()
    assert (
        "/api/v1/auth/login" in spec["paths"] and "/api/v1/orgs/{org_id}/members" in spec["paths"]
    )
    assert (await client.get("/docs")).status_code == 200


async def test_unknown_route_is_a_problem(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/nowhere")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"].endswith("not-found") and r.json()["detail"]


async def test_security_headers_and_request_id(client: httpx.AsyncClient) -> None:
    r = await client.get("/healthz", headers={"X-Request-ID": "abc123"})
    assert r.headers["x-request-id"] == "abc123"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert "unsafe-inline" not in r.headers["content-security-policy"]
    assert r.headers["referrer-policy"]


async def test_bad_bodies_are_4xx_problems(client: httpx.AsyncClient) -> None:
    url = "/api/v1/auth/register"
    cases = [
        (b"{not json", 400),
        (
            b'{"email": "a@example.com", "password": "long enough pw", "name": "A", "admin": true}',
            422,
        ),
        (b'{"email": 5, "password": ["x"], "name": null}', 422),
        (b"[]", 422),
        (b"", 422),
    ]
    for raw, status in cases:
        r = await client.post(url, content=raw, headers={"Content-Type": "application/json"})
        assert r.status_code == status, (raw, r.text)
        body = r.json()
        assert body["status"] == status and body["type"] and body["title"] and body["detail"]


async def test_huge_body_answers_413(client: httpx.AsyncClient) -> None:
    big = b'{"email": "' + b"a" * (1024 * 1024 + 10) + b'"}'
    r = await client.post(
        "/api/v1/auth/register", content=big, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 413
    assert r.json()["type"].endswith("payload-too-large")


async def test_idempotency_key_replays_the_first_result(client: httpx.AsyncClient) -> None:
    owner = await signup(client, "own@example.com")
    headers = {**owner.auth, "Idempotency-Key": "k-1"}
    body = {"name": "Once", "timezone": "UTC"}
    first = await client.post("/api/v1/orgs", json=body, headers=headers)
    second = await client.post("/api/v1/orgs", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    orgs = (await client.get("/api/v1/orgs", headers=owner.auth)).json()["items"]
    assert len(orgs) == 1
    other_body = await client.post(
        "/api/v1/orgs", json={"name": "Twice", "timezone": "UTC"}, headers=headers
    )
    assert other_body.status_code == 422


async def test_idempotency_under_concurrency_and_per_caller(client: httpx.AsyncClient) -> None:
    a = await signup(client, "a@example.com")
    b = await signup(client, "b@example.com")
    body = {"name": "Race", "timezone": "UTC"}
    results = await asyncio.gather(
        *[
            client.post("/api/v1/orgs", json=body, headers={**a.auth, "Idempotency-Key": "same"})
            for _ in range(5)
        ]
    )
    assert {r.status_code for r in results} == {201}
    assert len({r.json()["id"] for r in results}) == 1
    assert len((await client.get("/api/v1/orgs", headers=a.auth)).json()["items"]) == 1
    theirs = await client.post(
        "/api/v1/orgs", json=body, headers={**b.auth, "Idempotency-Key": "same"}
    )
    assert theirs.status_code == 201 and theirs.json()["id"] != results[0].json()["id"]


async def test_idempotent_registration_without_a_token(client: httpx.AsyncClient) -> None:
    body = {"email": "once@example.com", "password": "correct horse battery", "name": "Once"}
    headers = {"Idempotency-Key": "register-1"}
    first = await client.post("/api/v1/auth/register", json=body, headers=headers)
    second = await client.post("/api/v1/auth/register", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    plain = await client.post("/api/v1/auth/register", json=body)
    assert plain.status_code == 409
