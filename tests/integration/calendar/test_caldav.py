"""Publishing an organisation's events to a real Radicale CalDAV server on loopback."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import caldav
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from cadence.calendar.publish import PUBLISH_JOB
from cadence.context import unit_of_work
from cadence.jobs.models import QUEUED, Job
from tests.integration.booking.helpers import run_jobs
from tests.integration.conftest import Person, add_member, make_org, signup


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("radicale")
    port = _free_port()
    config, rights = root / "config", root / "rights"
    rights.write_text("[all]\nuser: .*\ncollection: .*\npermissions: RrWw\n")
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n[auth]\ntype = none\n"
        f"[rights]\ntype = from_file\nfile = {rights}\n"
        f"[storage]\nfilesystem_folder = {root / 'collections'}\n[logging]\nlevel = warning\n"
    )
    log = (root / "radicale.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((root / "radicale.log").read_text()) from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def _make_calendar(base: str, name: str) -> str:
    url = f"{base}/band/{name}/"
    httpx.request("MKCOL", f"{base}/band/")  # the parent (principal) collection, once
    r = httpx.request("MKCALENDAR", url)
    assert r.status_code == 201, r.text
    return url


def _uids(url: str) -> dict[str, str]:
    with caldav.DAVClient(url=url) as client:
        cal = client.calendar(url=url)  # type: ignore[no-untyped-call]
        out = {}
        for obj in cal.events():
            vevent = obj.icalendar_instance.walk("VEVENT")[0]
            out[str(vevent["UID"])] = str(vevent["SUMMARY"])
        return out


async def test_publish_to_radicale(
    client: httpx.AsyncClient, radicale: str, tmp_path: Path
) -> None:
    ann = await signup(client, "ann@example.com")
    org = await make_org(client, ann)
    url = _make_calendar(radicale, tmp_path.name.replace("_", "-"))
    ids = []
    for name, rrule in (("Rehearsal", "FREQ=WEEKLY;COUNT=4"), ("Gig", None)):
        r = await client.post(
            f"/api/v1/orgs/{org}/calendar-events",
            json={
                "name": name,
                "starts_at": "2027-03-02T19:00:00Z",
                "ends_at": "2027-03-02T21:00:00Z",
                "rrule": rrule,
            },
            headers=ann.auth,
        )
        assert r.status_code == 201, r.text
        ids.append(r.json())
    r = await client.put(
        f"/api/v1/calendar-events/{ids[0]['id']}/overrides",
        json={"recurrence_id": "2027-03-09T19:00:00Z", "name": "Special"},
        headers=ann.auth,
    )
    assert r.status_code == 200, r.text
    r = await client.post(f"/api/v1/orgs/{org}/caldav-publish", json={"url": url}, headers=ann.auth)
    assert r.status_code == 200, r.text
    assert r.json() == {"published": 2, "removed": 0}
    assert _uids(url) == {ids[0]["uid"]: "Rehearsal", ids[1]["uid"]: "Gig"}
    # publishing again is idempotent
    r = await client.post(f"/api/v1/orgs/{org}/caldav-publish", json={"url": url}, headers=ann.auth)
    assert r.json() == {"published": 2, "removed": 0}
    assert len(_uids(url)) == 2


async def test_publish_needs_a_manager(client: httpx.AsyncClient, radicale: str) -> None:
    eve = await signup(client, "eve@example.com")
    ann = await signup(client, "ann@example.com")
    org = await make_org(client, ann)
    r = await client.post(
        f"/api/v1/orgs/{org}/caldav-publish", json={"url": radicale}, headers=eve.auth
    )
    assert r.status_code == 404


def _objects(url: str) -> dict[str, tuple[str, str]]:
    """UID -> (SUMMARY, STATUS) of every event in the collection."""
    with caldav.DAVClient(url=url) as client:
        cal = client.calendar(url=url)  # type: ignore[no-untyped-call]
        out = {}
        for obj in cal.events():
            vevent = obj.icalendar_instance.walk("VEVENT")[0]
            out[str(vevent["UID"])] = (str(vevent["SUMMARY"]), str(vevent.get("STATUS", "")))
        return out


async def _target(client: httpx.AsyncClient, org: str, who: Person, tid: str) -> dict[str, Any]:
    r = await client.get(f"/api/v1/orgs/{org}/caldav-targets/{tid}", headers=who.auth)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def _queued_publishes(app: FastAPI) -> int:
    state = app.state.cadence
    async with unit_of_work(state.sessions, state.settings, state.clock) as ctx:
        return len(
            (
                await ctx.session.scalars(
                    select(Job.id).where(Job.kind == PUBLISH_JOB, Job.status == QUEUED)
                )
            ).all()
        )


async def test_stored_target_republishes_in_the_background_on_every_change(
    client: httpx.AsyncClient, app: FastAPI, radicale: str, tmp_path: Path
) -> None:
    ann = await signup(client, "ann@example.com")
    org = await make_org(client, ann)
    url = _make_calendar(radicale, tmp_path.name.replace("_", "-"))
    r = await client.post(
        f"/api/v1/orgs/{org}/caldav-targets",
        json={"url": url, "username": "band", "password": "s3cret"},
        headers=ann.auth,
    )
    assert r.status_code == 201, r.text
    target = r.json()
    assert "password" not in target and "s3cret" not in r.text
    assert (target["has_password"], target["status"], target["up_to_date"]) == (
        True,
        "pending",
        False,
    )
    tid = target["id"]
    listed = await client.get(f"/api/v1/orgs/{org}/caldav-targets", headers=ann.auth)
    assert [t["id"] for t in listed.json()["items"]] == [tid] and "s3cret" not in listed.text
    await run_jobs(app)
    target = await _target(client, org, ann, tid)
    assert (target["status"], target["up_to_date"], target["objects"]) == ("ok", True, 0)
    assert target["last_published_at"] is not None

    # A calendar event and a ticketed event (another module's write path) both publish.
    r = await client.post(
        f"/api/v1/orgs/{org}/calendar-events",
        json={
            "name": "Rehearsal",
            "starts_at": "2027-03-02T19:00:00Z",
            "ends_at": "2027-03-02T21:00:00Z",
            "rrule": "FREQ=WEEKLY;COUNT=4",
        },
        headers=ann.auth,
    )
    rehearsal = r.json()
    r = await client.post(
        f"/api/v1/orgs/{org}/events",
        json={
            "name": "Gig",
            "starts_at": "2027-04-01T20:00:00Z",
            "ends_at": "2027-04-01T23:00:00Z",
            "capacity": 10,
        },
        headers=ann.auth,
    )
    assert r.status_code == 201, r.text
    gig_uid = r.json().get("uid")
    assert _objects(url) == {}  # nothing is published inside the requests
    assert await _queued_publishes(app) == 1  # one job for both changes
    assert (await _target(client, org, ann, tid))["up_to_date"] is False
    await run_jobs(app)
    published = _objects(url)
    assert published[rehearsal["uid"]] == ("Rehearsal", "CONFIRMED")
    assert len(published) == 2 and (gig_uid is None or gig_uid in published)
    assert (await _target(client, org, ann, tid))["objects"] == 2

    # A refused change (stale version) enqueues nothing; an accepted one republishes.
    r = await client.patch(
        f"/api/v1/calendar-events/{rehearsal['id']}",
        json={"version": 99, "name": "Never"},
        headers=ann.auth,
    )
    assert r.status_code == 409
    assert await _queued_publishes(app) == 0
    r = await client.patch(
        f"/api/v1/calendar-events/{rehearsal['id']}",
        json={"version": 1, "name": "Band practice"},
        headers=ann.auth,
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        f"/api/v1/calendar-events/{rehearsal['id']}/cancel", json={}, headers=ann.auth
    )
    assert await _queued_publishes(app) == 1
    await run_jobs(app)
    assert _objects(url)[rehearsal["uid"]] == ("Band practice", "CANCELLED")
    target = await _target(client, org, ann, tid)
    assert (target["status"], target["up_to_date"], target["last_error"]) == ("ok", True, None)


async def test_failing_target_shows_its_error_and_recovers(
    client: httpx.AsyncClient, app: FastAPI, radicale: str, tmp_path: Path
) -> None:
    ann = await signup(client, "ann@example.com")
    eve = await signup(client, "eve@example.com")
    org = await make_org(client, ann)
    await add_member(client, org, ann, eve)
    base = f"/api/v1/orgs/{org}/caldav-targets"
    dead = f"http://127.0.0.1:{_free_port()}/band/cal/"
    r = await client.post(base, json={"url": dead}, headers=eve.auth)
    assert r.status_code == 403
    r = await client.post(base, json={"url": "ftp://example.com/cal"}, headers=ann.auth)
    assert r.status_code == 422
    r = await client.post(base, json={"url": dead}, headers=ann.auth)
    assert r.status_code == 201, r.text
    tid = r.json()["id"]
    await run_jobs(app)
    target = await _target(client, org, ann, tid)
    assert target["status"] == "error" and target["last_error"]
    assert target["last_published_at"] is None and target["last_attempt_at"] is not None

    # Point it at a working collection: the waiting retry is brought forward and succeeds.
    url = _make_calendar(radicale, tmp_path.name.replace("_", "-"))
    r = await client.patch(f"{base}/{tid}", json={"url": url}, headers=ann.auth)
    assert r.status_code == 200, r.text
    assert r.json()["has_password"] is False
    await run_jobs(app)
    target = await _target(client, org, ann, tid)
    assert (target["status"], target["last_error"], target["up_to_date"]) == ("ok", None, True)
    r = await client.post(f"{base}/{tid}/publish", headers=ann.auth)
    assert r.status_code == 202

    outsider = await signup(client, "out@example.com")
    await make_org(client, outsider, "Other")
    r = await client.get(f"{base}/{tid}", headers=outsider.auth)
    assert r.status_code == 404
    r = await client.delete(f"{base}/{tid}", headers=ann.auth)
    assert r.status_code == 204
    assert (await client.get(f"{base}/{tid}", headers=ann.auth)).status_code == 404
    await run_jobs(app)  # the queued publish of a deleted target does nothing


async def test_publishing_page_shows_status_and_errors(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    from tests.integration.availability.test_pages import _browser_login

    ann = await signup(client, "ann@example.com")
    eve = await signup(client, "eve@example.com")
    org = await make_org(client, ann)
    await add_member(client, org, ann, eve)
    path = f"/orgs/{org}/calendar-publishing"
    await _browser_login(client, eve.email)
    assert (await client.get(path)).status_code == 403
    await _browser_login(client, ann.email)
    page = await client.get(path)
    assert page.status_code == 200 and "No calendar yet" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    dead = f"http://127.0.0.1:{_free_port()}/band/cal/"
    r = await client.post(
        path,
        data={"csrf_token": token.group(1), "url": dead, "username": "u", "password": "pw-123"},
    )
    assert r.status_code == 303
    page = await client.get(path)
    assert dead in page.text and "waiting" in page.text and "pw-123" not in page.text
    await run_jobs(app)
    page = await client.get(path)
    assert "failed" in page.text and "Error" in page.text
    r = await client.post(f"{path}/{'0' * 32}/publish", data={"csrf_token": token.group(1)})
    assert r.status_code == 404
