"""The web UI through the ASGI app: CSRF, cookie sessions, form errors, invitations."""

from __future__ import annotations

import re
import secrets

import httpx
from fastapi import FastAPI

from cadence.app import create_app
from cadence.settings import Settings
from tests.integration.conftest import PASSWORD

HTML = {"Accept": "text/html"}


async def csrf_of(client: httpx.AsyncClient) -> str:
    """The double-submit token this client will send with its signed-in forms.

    Anonymous pages carry no token and set no cookie (decision 0015: their forms are checked
    by origin); a browser receives its token cookie with the first page it is shown signed
    in, and keeps it. A test client that is about to sign in sets its cookie itself: the
    check compares the cookie with the form's field, nothing else.
    """
    r = await client.get("/login", headers=HTML)
    assert r.status_code == 200 and "set-cookie" not in r.headers
    token = client.cookies.get("cadence_csrf") or secrets.token_urlsafe(32)
    client.cookies.set("cadence_csrf", token)
    return token


def field_errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="field-error" id="([\w]+)-error">([^<]*)</p>', html))


async def register_and_login(client: httpx.AsyncClient, email: str, name: str = "Ann") -> str:
    token = await csrf_of(client)
    r = await client.post(
        "/register",
        data={"name": name, "email": email, "password": PASSWORD, "csrf_token": token},
    )
    assert r.status_code == 303, r.text
    r = await client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 303, r.text
    return token


async def create_org(client: httpx.AsyncClient, token: str, name: str = "The Band") -> str:
    r = await client.post(
        "/orgs/new", data={"name": name, "timezone": "Europe/London", "csrf_token": token}
    )
    assert r.status_code == 303, r.text
    return str(r.headers["location"])


def set_cookies(response: httpx.Response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


async def test_posts_without_or_with_a_wrong_csrf_token_are_refused(
    client: httpx.AsyncClient,
) -> None:
    """Signed in, every form needs the token of the browser's cookie; anonymous forms are
    refused when the browser says they come from another site (test_public_pages.py)."""
    token = await register_and_login(client, "ann@example.com")
    form = {"name": "Ann", "timezone": "UTC"}
    missing = await client.post("/account/profile", data=form)
    wrong = await client.post("/account/profile", data={**form, "csrf_token": token + "x"})
    assert missing.status_code == 403 and wrong.status_code == 403
    assert "text/html" in missing.headers["content-type"]
    assert "Form expired" in missing.text
    client.cookies.delete("cadence_csrf")
    no_cookie = await client.post("/account/profile", data={**form, "csrf_token": token})
    assert no_cookie.status_code == 403
    cross = await client.post(
        "/login",
        data={"email": "a@example.com", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert cross.status_code == 403 and "Form expired" in cross.text


async def test_signed_in_pages_set_an_httponly_csrf_cookie_and_embed_the_token(
    client: httpx.AsyncClient,
) -> None:
    anonymous = await client.get("/register", headers=HTML)
    assert "set-cookie" not in anonymous.headers and "csrf" not in anonymous.text.lower()
    await client.post(
        "/register",
        data={"name": "Ann", "email": "ann@example.com", "password": PASSWORD},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    login = await client.post(
        "/login",
        data={"email": "ann@example.com", "password": PASSWORD},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert login.status_code == 303
    r = await client.get("/account", headers=HTML)
    cookie = set_cookies(r)["cadence_csrf"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    token = client.cookies["cadence_csrf"]
    assert f'name="csrf_token" value="{token}"' in r.text
    assert f'"X-CSRF-Token": "{token}"' in r.text
    assert "<script>" not in r.text and "style=" not in r.text
    again = await client.get("/", headers=HTML)
    assert "cadence_csrf" not in set_cookies(again) and token in again.text


async def test_login_sets_the_session_cookie_and_logout_revokes_it(
    client: httpx.AsyncClient,
) -> None:
    token = await csrf_of(client)
    await client.post(
        "/register",
        data={"name": "Ann", "email": "ann@example.com", "password": PASSWORD, "csrf_token": token},
    )
    r = await client.post(
        "/login", data={"email": "ann@example.com", "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = set_cookies(r)["cadence_session"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie
    session = client.cookies["cadence_session"]
    home = await client.get("/")
    assert "Hello, Ann" in home.text and "Welcome back, Ann." in home.text

    out = await client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 303
    assert 'cadence_session=""' in set_cookies(out)["cadence_session"]
    # The old cookie no longer works: the session was ended on the server.
    client.cookies.set("cadence_session", session)
    r = await client.get("/account")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/account"


async def test_session_cookie_is_secure_over_https(settings: Settings) -> None:
    app: FastAPI = create_app(settings.model_copy(update={"base_url": "https://testserver"}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            token = await csrf_of(c)
            await c.post(
                "/register",
                data={
                    "name": "A",
                    "email": "a@example.com",
                    "password": PASSWORD,
                    "csrf_token": token,
                },
            )
            r = await c.post(
                "/login",
                data={"email": "a@example.com", "password": PASSWORD, "csrf_token": token},
            )
    assert r.status_code == 303
    assert "Secure" in set_cookies(r)["cadence_session"]


async def test_register_shows_errors_next_to_the_fields(client: httpx.AsyncClient) -> None:
    token = await csrf_of(client)
    r = await client.post(
        "/register",
        data={"name": "Ann", "email": "nope", "password": "short", "csrf_token": token},
    )
    assert r.status_code == 422
    errors = field_errors(r.text)
    assert "valid email" in errors["email"] and "10 characters" in errors["password"]
    assert 'value="Ann"' in r.text and 'value="short"' not in r.text

    await register_and_login(client, "ann@example.com")
    again = await client.post(
        "/register",
        data={"name": "X", "email": "ANN@example.com", "password": PASSWORD, "csrf_token": token},
    )
    assert again.status_code == 409
    assert "already exists" in field_errors(again.text)["email"]


async def test_wrong_password_is_a_clear_message(client: httpx.AsyncClient) -> None:
    token = await csrf_of(client)
    r = await client.post(
        "/login", data={"email": "who@example.com", "password": "wrong", "csrf_token": token}
    )
    assert r.status_code == 401
    assert "The email or password is wrong." in r.text
    assert "cadence_session" not in set_cookies(r)


async def test_login_follows_only_local_next_paths(client: httpx.AsyncClient) -> None:
    await register_and_login(client, "ann@example.com")
    token = client.cookies["cadence_csrf"]
    for target, expected in (
        ("/account", "/account"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
    ):
        r = await client.post(
            "/login",
            params={"next": target},
            data={"email": "ann@example.com", "password": PASSWORD, "csrf_token": token},
        )
        assert r.headers["location"] == expected


async def test_org_form_errors_and_creation(client: httpx.AsyncClient) -> None:
    token = await register_and_login(client, "ann@example.com")
    r = await client.post(
        "/orgs/new", data={"name": " ", "timezone": "Mars/Base", "csrf_token": token}
    )
    assert r.status_code == 422
    errors = field_errors(r.text)
    assert errors["name"] == "This field is required."
    assert errors["timezone"] == "Choose a timezone from the list."
    org_url = await create_org(client, token)
    page = await client.get(org_url)
    assert page.status_code == 200 and "The Band" in page.text and "Europe/London" in page.text
    dashboard = await client.get("/")
    assert org_url in dashboard.text


async def test_invite_shows_the_link_and_the_invitee_accepts(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    token = await register_and_login(client, "owner@example.com", "Olive")
    org_url = await create_org(client, token)
    bad = await client.post(
        f"{org_url}/invitations", data={"email": "bo@", "role": "member", "csrf_token": token}
    )
    assert bad.status_code == 422 and "valid email" in field_errors(bad.text)["email"]
    r = await client.post(
        f"{org_url}/invitations",
        data={"email": "bo@example.com", "role": "member", "csrf_token": token},
    )
    assert r.status_code == 200
    link = re.search(r'value="http://testserver(/invitations/[\w-]+)"', r.text)
    assert link is not None
    wrong_person = await client.get(link[1])
    assert wrong_person.status_code == 403 and "sent to bo@example.com" in wrong_person.text

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as bo:
        anonymous = await bo.get(link[1])
        assert anonymous.headers["location"] == f"/login?next={link[1]}"
        bo_token = await register_and_login(bo, "bo@example.com", "Bo")
        invite_page = await bo.get(link[1])
        assert "Join The Band" in invite_page.text and "member" in invite_page.text
        accepted = await bo.post(link[1], data={"csrf_token": bo_token})
        assert accepted.status_code == 303 and accepted.headers["location"] == org_url
        assert (await bo.get(org_url)).status_code == 200
        used = await bo.get(link[1])
        assert used.status_code == 410

    members = await client.get(f"{org_url}/members")
    bo_id = re.search(r'id="member-(\w+)"[^<]*<td data-label="Name">Bo<', members.text)
    assert bo_id is not None
    # htmx sends the token as a header and gets the row back.
    row = await client.post(
        f"{org_url}/members/{bo_id[1]}/role",
        data={"role": "manager"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert row.status_code == 200 and row.text.lstrip().startswith("<tr")
    assert "Bo is now manager." in row.text
    bad_role = await client.post(
        f"{org_url}/members/{bo_id[1]}/role", data={"role": "emperor", "csrf_token": token}
    )
    assert bad_role.status_code == 422 and "Choose one of the options." in bad_role.text
    audit = await client.get(f"{org_url}/audit")
    assert "member.role_change" in audit.text and "invitation.accept" in audit.text


async def test_last_owner_cannot_be_demoted(client: httpx.AsyncClient) -> None:
    token = await register_and_login(client, "owner@example.com", "Olive")
    org_url = await create_org(client, token)
    members = await client.get(f"{org_url}/members")
    me = re.search(r'id="member-(\w+)"', members.text)
    assert me is not None
    r = await client.post(
        f"{org_url}/members/{me[1]}/role", data={"role": "member", "csrf_token": token}
    )
    assert r.status_code == 409 and "at least one owner" in r.text


async def test_other_tenants_and_unknown_pages_are_html_404s(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    token = await register_and_login(client, "owner@example.com")
    org_url = await create_org(client, token)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as eve:
        await register_and_login(eve, "eve@example.com", "Eve")
        for path in (org_url, f"{org_url}/members", f"{org_url}/audit"):
            r = await eve.get(path, headers=HTML)
            assert r.status_code == 404 and "text/html" in r.headers["content-type"]
    missing = await client.get("/no/such/page", headers=HTML)
    assert missing.status_code == 404 and "There is no page at this address" in missing.text
    api = await client.get("/api/v1/no-such", headers=HTML)
    assert api.headers["content-type"].startswith("application/problem+json")
    plain = await client.get("/no/such/page", headers={"Accept": "application/json"})
    assert plain.headers["content-type"].startswith("application/problem+json")


async def test_account_profile_errors_export_and_delete(client: httpx.AsyncClient) -> None:
    token = await register_and_login(client, "ann@example.com")
    r = await client.post(
        "/account/profile", data={"name": "", "timezone": "UTC", "csrf_token": token}
    )
    assert r.status_code == 422 and field_errors(r.text)["name"] == "This field is required."
    r = await client.post(
        "/account/password",
        data={
            "current_password": "wrong-wrong-wrong",
            "new_password": "another long one",
            "csrf_token": token,
        },
    )
    assert r.status_code == 422 and "current password is wrong" in r.text
    totp = await client.post("/account/totp", data={"csrf_token": token})
    assert totp.status_code == 200 and "<svg" in totp.text
    export = await client.get("/account/export")
    assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
    assert "ann@example.com" in export.text
    wrong = await client.post(
        "/account/delete", data={"delete_password": "nope", "csrf_token": token}
    )
    assert wrong.status_code == 422 and "password is wrong" in wrong.text
    gone = await client.post(
        "/account/delete", data={"delete_password": PASSWORD, "csrf_token": token}
    )
    assert gone.status_code == 303
    assert (await client.get("/account")).status_code == 303


async def test_forgot_password_is_neutral_and_reset_works(client: httpx.AsyncClient) -> None:
    token = await register_and_login(client, "ann@example.com")
    for email in ("ann@example.com", "nobody@example.com"):
        r = await client.post("/forgot-password", data={"email": email, "csrf_token": token})
        assert r.status_code == 303
        page = await client.get("/forgot-password")
        assert "If an account exists for this email" in page.text
    bad = await client.post(
        "/reset-password/not-a-token",
        data={"new_password": "a brand new password", "csrf_token": token},
    )
    assert bad.status_code == 422 and "invalid, used or expired" in bad.text
