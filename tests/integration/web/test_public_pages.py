"""Anonymous public pages: the same for everyone, cacheable, and never stale after a change.

Decision 0015: no CSRF token or cookie on anonymous pages, a strong ETag with 304 answers,
`Cache-Control: public` (private, no-store when signed in), a per-process cache dropped when
an event, its seats or its rules change, and forms refused when a browser says they come
from another site.
"""

from __future__ import annotations

import asyncio
import re
import secrets

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY
from sqlalchemy import text

from cadence.app import create_app
from cadence.settings import Settings
from cadence.web import pagecache
from tests.integration.conftest import Person, make_org, signup
from tests.integration.web.test_pages import HTML, create_org, register_and_login, set_cookies
from tests.services import REDIS_URL, need, redis_available

ANONYMOUS_PAGES = ("/", "/events", "/login", "/register", "/forgot-password")


async def _event(client: httpx.AsyncClient, owner: Person, org: str, **extra: object) -> str:
    r = await client.post(
        f"/api/v1/orgs/{org}/events",
        json={
            "name": "Jazz Night",
            "starts_at": "2030-05-01T19:00:00Z",
            "ends_at": "2030-05-01T22:00:00Z",
            "capacity": 10,
            **extra,
        },
        headers=owner.auth,
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _anonymous(app: FastAPI) -> httpx.AsyncClient:
    """A second visitor with a cookie jar of its own."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


def _seats_left(html: str) -> str:
    found = re.search(r"data-live-seats[^>]*>(\d+)</span>", html)
    assert found, html
    return found.group(1)


async def test_anonymous_pages_carry_no_visitor_state_and_are_cacheable(
    client: httpx.AsyncClient,
) -> None:
    owner = await signup(client, "ora@example.com")
    event = await _event(client, owner, await make_org(client, owner))
    for path in (*ANONYMOUS_PAGES, f"/events/{event}"):
        r = await client.get(path, headers=HTML)
        assert r.status_code == 200, path
        assert "set-cookie" not in r.headers, path
        assert "csrf" not in r.text.lower() and "X-CSRF-Token" not in r.text, path
        assert r.headers["cache-control"] == "public, max-age=5, stale-while-revalidate=10"
        assert "Cookie" in r.headers["vary"]
        etag = r.headers["etag"]
        assert re.fullmatch(r'"[\w-]+"', etag), etag  # strong
        again = await client.get(path, headers={**HTML, "If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"", path
        assert again.headers["etag"] == etag
        assert again.headers["cache-control"] == r.headers["cache-control"]
        weak = await client.get(path, headers={**HTML, "If-None-Match": f'"x", W/{etag}'})
        assert weak.status_code == 304
        other = await client.get(path, headers={**HTML, "If-None-Match": '"nope"'})
        assert other.status_code == 200 and other.text == r.text
    assert not client.cookies


async def test_the_listing_varies_on_htmx_and_its_filters(client: httpx.AsyncClient) -> None:
    owner = await signup(client, "ora@example.com")
    org = await make_org(client, owner)
    await _event(client, owner, org, name="Jazz Night", category="music")
    await _event(client, owner, org, name="Poetry Slam", category="talk")
    full = await client.get("/events", headers=HTML)
    part = await client.get("/events", headers={**HTML, "HX-Request": "true"})
    assert "HX-Request" in full.headers["vary"]
    assert "<html" in full.text and "<html" not in part.text
    assert full.headers["etag"] != part.headers["etag"]
    music = await client.get("/events", params={"category": "music"}, headers=HTML)
    assert "Jazz Night" in music.text and "Poetry Slam" not in music.text
    talk = await client.get("/events", params={"category": "talk"}, headers=HTML)
    assert "Poetry Slam" in talk.text and "Jazz Night" not in talk.text


async def test_a_second_request_is_served_from_the_cache(client: httpx.AsyncClient) -> None:
    first = await client.get("/events", headers=HTML)
    served = {"method": "GET", "route": "/events", "status": "200"}
    before = REGISTRY.get_sample_value("cadence_http_requests_total", served) or 0.0
    second = await client.get("/events", headers=HTML)
    assert first.headers["x-page-cache"] == "miss" and second.headers["x-page-cache"] == "hit"
    # A hit is counted under the page's route in /metrics and the access log, not "unmatched".
    assert REGISTRY.get_sample_value("cadence_http_requests_total", served) == before + 1
    assert first.text == second.text and first.headers["etag"] == second.headers["etag"]
    # The edge still adds its headers to a stored page.
    assert second.headers["x-request-id"] != first.headers["x-request-id"]
    assert "content-security-policy" in second.headers


async def test_signed_in_pages_are_private_and_keep_their_token(
    client: httpx.AsyncClient,
) -> None:
    token = await register_and_login(client, "ann@example.com")
    for path in ("/", "/events", "/account"):
        r = await client.get(path, headers=HTML)
        assert r.status_code == 200
        assert r.headers["cache-control"] == "private, no-store", path
        assert "x-page-cache" not in r.headers
        assert f'"X-CSRF-Token": "{token}"' in r.text


async def test_edits_and_sales_show_at_once(client: httpx.AsyncClient, app: FastAPI) -> None:
    owner = await signup(client, "ora@example.com")
    buyer = await signup(client, "bea@example.com")
    event = await _event(client, owner, await make_org(client, owner))
    async with _anonymous(app) as visitor:
        page = await visitor.get(f"/events/{event}", headers=HTML)
        listing = await visitor.get("/events", headers=HTML)
        assert "Jazz Night" in page.text and _seats_left(page.text) == "10"
        assert (await visitor.get(f"/events/{event}")).headers["x-page-cache"] == "hit"

        r = await client.patch(
            f"/api/v1/events/{event}", json={"name": "Blues Night"}, headers=owner.auth
        )
        assert r.status_code == 200, r.text
        page = await visitor.get(f"/events/{event}", headers=HTML)
        assert "Blues Night" in page.text and "Jazz Night" not in page.text
        assert "Blues Night" in (await visitor.get("/events", headers=HTML)).text

        stored = page.headers["etag"]
        r = await client.post(
            f"/api/v1/events/{event}/bookings", json={"quantity": 3}, headers=buyer.auth
        )
        assert r.status_code == 201, r.text
        page = await visitor.get(f"/events/{event}", headers={**HTML, "If-None-Match": stored})
        assert page.status_code == 200 and _seats_left(page.text) == "7"
        listing = await visitor.get("/events", headers=HTML)
        assert "7 of 10 seats left" in listing.text

        r = await client.post(f"/api/v1/events/{event}/cancel", headers=owner.auth)
        assert r.status_code == 200, r.text
        page = await visitor.get(f"/events/{event}", headers=HTML)
        assert "This event has been cancelled" in page.text


async def test_a_draft_is_never_served_to_the_public(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    token = await register_and_login(client, "ora@example.com", "Ora")
    org = (await create_org(client, token, "Evently")).rsplit("/", 1)[1]
    r = await client.post(
        f"/orgs/{org}/events",
        data={
            "name": "Secret Gig",
            "starts_at": "2030-05-01T20:00",
            "ends_at": "2030-05-01T23:00",
            "capacity": "3",
            "csrf_token": token,
        },
    )
    assert r.status_code == 303, r.text
    event = r.headers["location"].split("/")[2]
    async with _anonymous(app) as visitor:
        # The manager sees the draft (a private answer, never stored) ...
        mine = await client.get(f"/events/{event}", headers=HTML)
        assert mine.status_code == 200 and "Secret Gig" in mine.text
        assert mine.headers["cache-control"] == "private, no-store"
        # ... the public never does, however often it asks, nor in the listing.
        for _ in range(2):
            hidden = await visitor.get(f"/events/{event}", headers=HTML)
            assert hidden.status_code == 404 and "Secret Gig" not in hidden.text
            assert "public" not in hidden.headers.get("cache-control", "")
            assert "Secret Gig" not in (await visitor.get("/events", headers=HTML)).text
        # A stale session cookie does not make an anonymous visitor a manager either.
        visitor.cookies.set("cadence_session", "stale")
        hidden = await visitor.get(f"/events/{event}", headers=HTML)
        assert hidden.status_code == 404 and "Secret Gig" not in hidden.text
        visitor.cookies.clear()

        r = await client.post(f"/events/{event}/publish", data={"csrf_token": token})
        assert r.status_code == 303
        shown = await visitor.get(f"/events/{event}", headers=HTML)
        assert shown.status_code == 200 and "Secret Gig" in shown.text
        assert "Secret Gig" in (await visitor.get("/events", headers=HTML)).text


async def test_changes_the_process_cannot_see_last_at_most_the_ttl(
    client: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change made elsewhere (another process without Redis, raw SQL) is not noticed:
    the page is served for at most `ttl` (2 s) fresh plus `stale` (3 s) while it is
    re-rendered in the background, 5 s in all."""
    owner = await signup(client, "ora@example.com")
    event = await _event(client, owner, await make_org(client, owner))
    now = [1000.0]
    monkeypatch.setattr(pagecache, "monotonic", lambda: now[0])
    assert "Jazz Night" in (await client.get(f"/events/{event}")).text
    rename = text("UPDATE events SET name = :name WHERE id = :id")
    state = app.state.cadence
    async with state.engine.begin() as conn:
        await conn.execute(rename, {"name": "Elsewhere", "id": event})
    assert "Jazz Night" in (await client.get(f"/events/{event}")).text  # fresh: not noticed
    assert app.state.page_cache.ttl == 2.0 and app.state.page_cache.stale == 3.0
    now[0] += 4.5  # past the TTL: this answer is the stored one, a new copy is being rendered
    stale = await client.get(f"/events/{event}")
    assert "Jazz Night" in stale.text and stale.headers["age"] == "4"
    for render in list(app.state.page_cache.inflight.values()):
        await render
    assert "Elsewhere" in (await client.get(f"/events/{event}")).text
    async with state.engine.begin() as conn:
        await conn.execute(rename, {"name": "Later", "id": event})
    now[0] += 5.5  # past both: rendered afresh before answering
    assert "Later" in (await client.get(f"/events/{event}")).text


async def test_cross_site_posts_are_refused_with_or_without_a_token(
    client: httpx.AsyncClient,
) -> None:
    form = {"email": "nobody@example.com", "password": "wrong"}
    for headers in (
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
    ):
        r = await client.post("/login", data=form, headers=headers)
        assert r.status_code == 403 and "Form expired" in r.text, headers
    # The same anonymous form from our own pages goes through (and fails on the password).
    for headers in ({"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://testserver"}):
        r = await client.post("/login", data=form, headers=headers)
        assert r.status_code != 403 and "Form expired" not in r.text, headers

    token = await register_and_login(client, "ann@example.com")
    assert "cadence_csrf" not in set_cookies(await client.get("/account"))
    same = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}
    profile = {"name": "Ann B", "timezone": "UTC"}
    evil = await client.post(
        "/account/profile",
        data={**profile, "csrf_token": token},
        headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    )
    assert evil.status_code == 403
    # Signed in, the token stays required even from our own origin.
    assert (await client.post("/account/profile", data=profile, headers=same)).status_code == 403
    wrong = await client.post(
        "/account/profile", data={**profile, "csrf_token": token + "x"}, headers=same
    )
    assert wrong.status_code == 403
    ok = await client.post("/account/profile", data={**profile, "csrf_token": token}, headers=same)
    assert ok.status_code == 303, ok.text


async def test_an_edit_through_one_process_reaches_the_others_through_redis(
    settings: Settings,
) -> None:
    """Two processes (two apps on one database) sharing invalidations on Redis."""
    need("Redis", redis_available())
    shared = settings.model_copy(
        update={"redis_url": REDIS_URL, "redis_prefix": f"test-pages:{secrets.token_hex(4)}"}
    )
    one, two = create_app(shared), create_app(shared)
    async with one.router.lifespan_context(one), two.router.lifespan_context(two):
        for app in (one, two):  # subscribed (the first subscription clears the cache)
            for _ in range(100):
                if app.state.page_cache.broadcast.subscribed.is_set():
                    break
                await asyncio.sleep(0.05)
        async with _anonymous(one) as a, _anonymous(two) as b:
            owner = await signup(a, "ora@example.com")
            event = await _event(a, owner, await make_org(a, owner))
            assert "Jazz Night" in (await b.get(f"/events/{event}")).text
            # The invalidations of the event's own creation may still be on their way over
            # Redis and empty b's cache once more; after that, b serves the page from it.
            for _ in range(50):
                cached = (await b.get(f"/events/{event}")).headers["x-page-cache"]
                if cached == "hit":
                    break
                await asyncio.sleep(0.02)
            assert cached == "hit"
            assert two.state.page_cache.ttl == 5.0  # Redis lets the TTL be longer
            r = await a.patch(
                f"/api/v1/events/{event}", json={"name": "Blues Night"}, headers=owner.auth
            )
            assert r.status_code == 200
            for _ in range(100):
                page = await b.get(f"/events/{event}")
                if "Blues Night" in page.text:
                    break
                await asyncio.sleep(0.02)
            assert "Blues Night" in page.text


async def test_a_sale_drops_its_event_page_and_the_listing_not_the_other_events(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await signup(client, "ora@example.com")
    buyer = await signup(client, "bea@example.com")
    org = await make_org(client, owner)
    sold, other = await _event(client, owner, org), await _event(client, owner, org, name="Other")
    async with _anonymous(app) as visitor:
        for path in (f"/events/{sold}", f"/events/{other}", "/events"):
            await visitor.get(path, headers=HTML)
        r = await client.post(
            f"/api/v1/events/{sold}/bookings", json={"quantity": 1}, headers=buyer.auth
        )
        assert r.status_code == 201, r.text
        assert (await visitor.get(f"/events/{other}")).headers["x-page-cache"] == "hit"
        page = await visitor.get(f"/events/{sold}", headers=HTML)
        assert page.headers["x-page-cache"] == "miss" and _seats_left(page.text) == "9"
        assert (await visitor.get("/events")).headers["x-page-cache"] == "miss"
