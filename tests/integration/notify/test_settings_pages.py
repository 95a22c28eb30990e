"""The notification settings page (preferences, quiet hours, digest, reminders, push
enrolment) and the admins' page of dead jobs, driven through the web UI's forms."""

from __future__ import annotations

import re

import httpx
from fastapi import FastAPI

from cadence.context import Ctx
from cadence.http.state import AppState
from cadence.jobs import enqueue
from cadence.jobs.models import DEAD, QUEUED, Job
from tests.integration.web.test_pages import HTML, field_errors, register_and_login

ENDPOINT = "https://push.example.net/send/abc123"


def ticked(html: str, name: str) -> bool:
    """Whether the checkbox called `name` is rendered checked."""
    tag = re.search(r"<input[^>]*name=\"" + re.escape(name) + r"\"[^>]*>", html)
    assert tag is not None, name
    return " checked" in tag.group(0)


async def test_preferences_grid_saves_every_kind_and_channel(client: httpx.AsyncClient) -> None:
    csrf = await register_and_login(client, "ann@example.com")
    page = await client.get("/account/notifications", headers=HTML)
    assert page.status_code == 200, page.text
    assert ticked(page.text, "p|event.reminder|email")  # everything is on by default
    assert "Content-Security-Policy" in page.headers and "<script>" not in page.text

    r = await client.post(
        "/account/notifications/preferences",
        data={
            "csrf_token": csrf,
            "k|event.reminder": "1",
            "k|*": "1",
            "p|event.reminder|inapp": "on",
            "p|event.reminder|push": "on",
            "p|*|inapp": "on",
        },
    )
    assert r.status_code == 303, r.text
    login = await client.post(
        "/api/v1/auth/login", json={"email": "ann@example.com", "password": "correct horse battery"}
    )
    auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
    stored = (await client.get("/api/v1/notifications/preferences", headers=auth)).json()
    on = {(p["kind"], p["channel"]) for p in stored if p["enabled"]}
    off = {(p["kind"], p["channel"]) for p in stored if not p["enabled"]}
    assert on == {("event.reminder", "inapp"), ("event.reminder", "push"), ("*", "inapp")}
    assert ("event.reminder", "email") in off and ("*", "email") in off and len(stored) == 8
    page = await client.get("/account/notifications", headers=HTML)
    assert ticked(page.text, "p|event.reminder|push") and ticked(page.text, "p|*|inapp")
    assert not ticked(page.text, "p|event.reminder|email")


async def test_timing_form_validates_and_saves_in_the_persons_timezone(
    client: httpx.AsyncClient,
) -> None:
    csrf = await register_and_login(client, "bob@example.com")
    bad = await client.post(
        "/account/notifications/timing",
        data={
            "csrf_token": csrf,
            "quiet_enabled": "on",
            "quiet_start": "25:00",
            "quiet_end": "07:00",
            "reminder_other": "45, soon",
        },
        headers=HTML,
    )
    assert bad.status_code == 422
    errors = field_errors(bad.text)
    assert "quiet_start" in errors and "reminder_other" in errors

    r = await client.post(
        "/account/notifications/timing",
        data={
            "csrf_token": csrf,
            "quiet_enabled": "on",
            "quiet_start": "22:30",
            "quiet_end": "07:00",
            "digest_enabled": "on",
            "digest_minutes": "180",
            "r|1440": "on",
            "r|60": "on",
            "reminder_other": "45",
        },
    )
    assert r.status_code == 303, r.text
    login = await client.post(
        "/api/v1/auth/login", json={"email": "bob@example.com", "password": "correct horse battery"}
    )
    auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
    timing = (await client.get("/api/v1/notifications/timing", headers=auth)).json()
    assert timing == {
        "reminder_minutes": [1440, 60, 45],
        "quiet_start": "22:30",
        "quiet_end": "07:00",
        "digest_minutes": 180,
    }
    page = await client.get("/account/notifications", headers=HTML)
    assert 'value="22:30"' in page.text and 'value="45"' in page.text

    # Turning everything off: no quiet hours, no digest, no reminders.
    r = await client.post("/account/notifications/timing", data={"csrf_token": csrf})
    assert r.status_code == 303
    timing = (await client.get("/api/v1/notifications/timing", headers=auth)).json()
    assert timing == {
        "reminder_minutes": [],
        "quiet_start": None,
        "quiet_end": None,
        "digest_minutes": None,
    }


async def test_push_enrolment_and_the_service_worker(client: httpx.AsyncClient) -> None:
    sw = await client.get("/sw.js")
    assert sw.status_code == 200
    assert sw.headers["service-worker-allowed"] == "/"
    assert "javascript" in sw.headers["content-type"] and "showNotification" in sw.text
    script = await client.get("/static/push.js")
    assert script.status_code == 200 and "pushManager.subscribe" in script.text

    csrf = await register_and_login(client, "cy@example.com")
    fields = {"endpoint": ENDPOINT, "p256dh": "BPk3" + "A" * 83, "auth": "c2VjcmV0"}
    refused = await client.post("/account/notifications/push", data=fields)
    assert refused.status_code == 403  # no CSRF token
    r = await client.post("/account/notifications/push", data={**fields, "csrf_token": csrf})
    assert r.status_code == 204, r.text
    bad = await client.post(
        "/account/notifications/push", data={"endpoint": "nope", "csrf_token": csrf}
    )
    assert bad.status_code == 422
    page = await client.get("/account/notifications", headers=HTML)
    assert "on for 1 device" in page.text
    r = await client.post(
        "/account/notifications/push/remove", data={"endpoint": ENDPOINT, "csrf_token": csrf}
    )
    assert r.status_code == 204
    page = await client.get("/account/notifications", headers=HTML)
    assert "Push notifications are off." in page.text


async def test_admins_list_and_retry_dead_jobs(app: FastAPI, client: httpx.AsyncClient) -> None:
    csrf = await register_and_login(client, "dee@example.com", "Dee")
    r = await client.post("/orgs/new", data={"name": "Band", "timezone": "UTC", "csrf_token": csrf})
    org_id = r.headers["location"].rstrip("/").rsplit("/", 1)[-1]
    state: AppState = app.state.cadence
    async with state.sessions() as session:
        ctx = Ctx(session=session, settings=state.settings, clock=state.clock)
        mine = await enqueue(ctx, "webhook.deliver", {"delivery_id": "x"}, org_id=org_id)
        other = await enqueue(ctx, "webhook.deliver", {"delivery_id": "y"}, org_id=None)
        for job_id in (mine, other):
            job = await session.get(Job, job_id)
            assert job is not None
            job.status, job.last_error, job.attempts = DEAD, "HTTPError: boom", 8
        await session.commit()

    page = await client.get(f"/orgs/{org_id}/jobs/dead", headers=HTML)
    assert page.status_code == 200, page.text
    assert mine in page.text and other not in page.text and "boom" in page.text
    # Another organisation's job, or no CSRF token: refused.
    r = await client.post(f"/orgs/{org_id}/jobs/{other}/retry", data={"csrf_token": csrf})
    assert r.status_code == 404
    r = await client.post(f"/orgs/{org_id}/jobs/{mine}/retry", data={})
    assert r.status_code == 403
    r = await client.post(f"/orgs/{org_id}/jobs/{mine}/retry", data={"csrf_token": csrf})
    assert r.status_code == 303, r.text
    async with state.sessions() as session:
        job = await session.get(Job, mine)
        # Back in the queue with fresh attempts; on SQLite the web process's own worker may
        # already have claimed it (then it is on its first attempt of the new run).
        assert job is not None and job.status != DEAD
        assert (job.status, job.attempts) == (QUEUED, 0) or job.attempts == 1
    page = await client.get(f"/orgs/{org_id}/jobs/dead", headers=HTML)
    assert mine not in page.text

    # A member who is not an admin does not get the page.
    client.cookies.clear()
    await register_and_login(client, "eve@example.com", "Eve")
    assert (await client.get(f"/orgs/{org_id}/jobs/dead", headers=HTML)).status_code == 404
