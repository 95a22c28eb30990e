"""Publishing an organisation's events to a real Radicale CalDAV server on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import caldav
import httpx
import pytest

from tests.integration.conftest import make_org, signup


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
