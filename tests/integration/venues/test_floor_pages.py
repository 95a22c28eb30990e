"""The staff view of a night (floor plan with live states, walk-ins, moving a party), the
guest changing a reservation, and the guest book pages, through the web UI.

It is Friday 5 June 2026, 19:30 in London (18:30 UTC); the floor is `floor.py`'s.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from cadence.clock import FrozenClock
from tests.integration.conftest import PASSWORD, Person, add_member, make_org, signup
from tests.integration.venues.floor import Floor, build_floor, reserve
from tests.integration.web.test_pages import HTML, csrf_of, register_and_login

NOW = datetime(2026, 6, 5, 18, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
async def guest_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def web_login(client: httpx.AsyncClient, person: Person) -> str:
    token = await csrf_of(client)
    r = await client.post(
        "/login", data={"email": person.email, "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 303, r.text
    return token


def states(html: str) -> dict[str, str]:
    """Table id -> state, as drawn on the SVG floor plan."""
    return dict(re.findall(r'data-table-id="(\w+)" data-table-name="\w+" data-state="(\w+)"', html))


async def setup(client: httpx.AsyncClient) -> tuple[Person, Floor, str]:
    owner = await signup(client, "owner@bluedoor.example", "Olive")
    org = await make_org(client, owner, "The Blue Door")
    floor = await build_floor(client, owner, org)
    return owner, floor, await web_login(client, owner)


async def test_floor_plan_walk_in_and_moving_a_party(client: httpx.AsyncClient) -> None:
    owner, floor, csrf = await setup(client)
    t = floor.tables
    base = f"/orgs/{floor.org}/venue"
    r = await client.post(
        f"{base}/tables/{t['T4']}/place",
        data={"csrf_token": csrf, "x": "300", "y": "200", "shape": "round"},
    )
    assert r.status_code == 303
    api = f"/api/v1/orgs/{floor.org}/venue"
    r = await client.patch(f"{api}/tables/{t['T3']}", json={"active": False}, headers=owner.auth)
    assert r.status_code == 200 and r.json()["x"] == 0 and r.json()["shape"] == "square"
    guest = await signup(client, "grace@example.com", "Grace")
    six = await reserve(client, guest, floor, "2026-06-05T21:00:00+01:00", 6)
    assert six.status_code == 201 and [x["id"] for x in six.json()["tables"]] == [t["T6"]]

    page = await client.get(f"{base}/floor", headers=HTML)
    assert page.status_code == 200 and "<svg" in page.text
    # T4 stands where it was placed, a circle of 40 + 6 * 4 = 64 across
    assert '<circle cx="300" cy="200" r="32">' in page.text
    # the others go on the grid below T4 (which reaches y = 232: grid row 2, y = 290) in
    # name order: P1 at x = 70, then T1 at x = 200, a two-top 40 + 6 * 2 = 52 wide
    assert '<rect x="174" y="264" width="52" height="52" rx="6">' in page.text
    assert states(page.text) == {
        t["T1"]: "free",
        t["T2"]: "free",
        t["T3"]: "off",
        t["T4"]: "free",
        t["T6"]: "reserved",  # 21:00 is within two hours of 19:30
        t["P1"]: "free",
    }
    assert "Grace (6)" in page.text  # on the timeline

    r = await client.post(
        f"{base}/walk-ins",
        data={"csrf_token": csrf, "guest_name": "Tom", "party_size": "2", "table_ids": t["T1"]},
    )
    assert r.status_code == 303
    r = await client.post(f"{base}/walk-ins", data={"csrf_token": csrf, "party_size": "4"})
    assert r.status_code == 303  # the best free table: P1 (T4 and P1 both fit; name order)
    # T4 takes up to six tonight (extra chairs), so the party of six can move there
    r = await client.patch(f"{api}/tables/{t['T4']}", json={"seats_max": 6}, headers=owner.auth)
    assert r.status_code == 200
    r = await client.post(
        f"{base}/reservations/{six.json()['id']}/tables",
        data={"csrf_token": csrf, "table_ids": t["T4"]},
    )
    assert r.status_code == 303
    view = (
        await client.get(f"{api}/floor", params={"day": "2026-06-05"}, headers=owner.auth)
    ).json()
    by_name = {x["table"]["name"]: x for x in view["tables"]}
    assert {k: v["state"] for k, v in by_name.items()} == {
        "T1": "seated",
        "T2": "free",
        "T3": "off",
        "T4": "reserved",
        "T6": "free",
        "P1": "seated",
    }
    tom = by_name["T1"]["reservations"][0]
    assert tom["guest_name"] == "Tom" and tom["source"] == "walk_in"
    assert tom["status"] == "seated" and tom["starts_at"] == "2026-06-05T18:30:00Z"
    assert by_name["P1"]["reservations"][0]["guest_name"] == "Walk-in"
    assert by_name["T4"]["reservations"][0]["id"] == six.json()["id"]
    # a table already taken answers with a message, not an error page
    r = await client.post(
        f"{base}/walk-ins", data={"csrf_token": csrf, "party_size": "2", "table_ids": t["T1"]}
    )
    assert r.status_code == 303
    page = await client.get(r.headers["location"], headers=HTML)
    assert "is taken at that time" in page.text


async def test_guest_changes_and_cancels_from_my_reservations(
    client: httpx.AsyncClient, guest_client: httpx.AsyncClient
) -> None:
    owner, floor, csrf_owner = await setup(client)
    csrf = await register_and_login(guest_client, "grace@example.com", "Grace")
    venue_id = floor.venue["id"]
    r = await guest_client.post(
        f"/venues/{venue_id}/reserve",
        data={
            "csrf_token": csrf,
            "party_size": "2",
            "starts_at": "2026-06-06T19:00:00+01:00",
            "marketing_consent": "on",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == "/my-reservations"
    mine = (await guest_client.get("/my-reservations", headers=HTML)).text
    rid = re.search(r'action="/my-reservations/(\w+)/change"', mine)
    assert rid is not None and 'value="2026-06-06"' in mine and 'value="19:00"' in mine
    r = await guest_client.post(
        f"/my-reservations/{rid.group(1)}/change",
        data={"csrf_token": csrf, "day": "2026-06-06", "time": "20:30", "party_size": "5"},
    )
    assert r.status_code == 303
    api = f"/api/v1/orgs/{floor.org}/venue/reservations/{rid.group(1)}"
    moved = (await client.get(api, headers=owner.auth)).json()
    assert moved["starts_at"] == "2026-06-06T19:30:00Z" and moved["party_size"] == 5
    assert [x["name"] for x in moved["tables"]] == ["T6"]
    # a time the venue is closed is refused with the free times of that day
    r = await guest_client.post(
        f"/my-reservations/{rid.group(1)}/change",
        data={"csrf_token": csrf, "day": "2026-06-08", "time": "19:00", "party_size": "5"},
    )
    page = await guest_client.get(r.headers["location"], headers=HTML)
    assert "not open" in page.text
    assert (await client.get(api, headers=owner.auth)).json()["starts_at"] == "2026-06-06T19:30:00Z"
    r = await guest_client.post(
        f"/my-reservations/{rid.group(1)}/cancel", data={"csrf_token": csrf}
    )
    assert r.status_code == 303
    assert (await client.get(api, headers=owner.auth)).json()["status"] == "cancelled"
    # the guest book knows the guest, with the consent they gave on the form
    book = await client.get(f"/orgs/{floor.org}/venue/guests", headers=HTML)
    assert book.status_code == 200 and "Grace" in book.text
    guest_id = moved["guest_id"]
    r = await client.post(
        f"/orgs/{floor.org}/venue/guests/{guest_id}",
        data={"csrf_token": csrf_owner, "name": "Grace", "tags": "VIP, window", "notes": "Kind"},
    )
    assert r.status_code == 303
    detail = await client.get(f"/orgs/{floor.org}/venue/guests/{guest_id}", headers=HTML)
    assert "vip" in detail.text and "Kind" in detail.text and "1 cancelled" in detail.text
    export = await client.get(f"/orgs/{floor.org}/venue/guests/{guest_id}/export.json")
    assert export.status_code == 200 and export.json()["profile"]["notes"] == "Kind"
    r = await client.post(
        f"/orgs/{floor.org}/venue/guests/{guest_id}/erase",
        data={"csrf_token": csrf_owner, "confirm": "erase"},
    )
    assert r.status_code == 303
    gone = await client.get(f"/api/v1/orgs/{floor.org}/venue/guests/{guest_id}", headers=owner.auth)
    assert gone.status_code == 404


async def test_plan_editor_saves_and_combined_tables_show_on_the_timeline(
    client: httpx.AsyncClient, guest_client: httpx.AsyncClient
) -> None:
    owner, floor, csrf = await setup(client)
    t = floor.tables
    base = f"/orgs/{floor.org}/venue"
    page = (await client.get(f"{base}/floor", headers=HTML)).text
    version = re.search(r'data-floor-version="(\d+)"', page)
    assert version is not None and f'data-layout-url="{base}/layout"' in page
    assert f'data-table-id="{t["T2"]}"' in page and f'data-neighbours="{t["T3"]}"' in page
    tables = json.dumps([{"id": t["T4"], "x": 410, "y": 320}, {"id": t["T6"], "x": 600, "y": 320}])
    r = await client.post(
        f"{base}/layout",
        data={"csrf_token": csrf, "floor_version": version.group(1), "tables": tables},
    )
    assert r.status_code == 200 and r.json() == {"floor_version": int(version.group(1)) + 1}
    page = (await client.get(f"{base}/floor", headers=HTML)).text
    assert '<rect x="378" y="288" width="64" height="64" rx="6">' in page  # T4, square
    # the page was drawn at the old version: saving from it again is stale
    r = await client.post(
        f"{base}/layout",
        data={"csrf_token": csrf, "floor_version": version.group(1), "tables": tables},
    )
    assert r.status_code == 409 and "version" in r.json()["detail"]
    r = await client.post(
        f"{base}/layout", data={"csrf_token": csrf, "floor_version": "x", "tables": "[{"}
    )
    assert r.status_code == 422
    # a member sees the plan but no editor, and cannot save one
    staff = await signup(client, "sam@example.com", "Sam")
    await add_member(client, floor.org, owner, staff, "member")
    staff_csrf = await web_login(guest_client, staff)
    member_page = (await guest_client.get(f"{base}/floor", headers=HTML)).text
    assert "data-floor-plan" in member_page and "data-layout-url" not in member_page
    assert "data-plan-edit" not in member_page
    r = await guest_client.post(
        f"{base}/layout",
        data={"csrf_token": staff_csrf, "floor_version": "99", "tables": tables},
        headers=HTML,
    )
    assert r.status_code == 403

    # a walk-in of four on T2 + T3, chosen on the plan: one bar per table, marked combined
    r = await client.post(
        f"{base}/walk-ins",
        data={"csrf_token": csrf, "party_size": "4", "table_ids": f"{t['T2']} {t['T3']}"},
    )
    assert r.status_code == 303
    page = (await client.get(r.headers["location"], headers=HTML)).text
    assert "seated at T2 + T3" in page
    cells = re.findall(r'class="res res-seated res-combined"[^>]*data-combined="T2 \+ T3"', page)
    assert len(cells) == 2
    assert page.count('<span class="combo"> · T2 + T3</span>') == 2
    # a choice that breaks the rules comes back as a message, and nothing is seated
    r = await client.post(
        f"{base}/walk-ins",
        data={"csrf_token": csrf, "party_size": "7", "table_ids": f"{t['T4']} {t['T6']}"},
    )
    page = (await client.get(r.headers["location"], headers=HTML)).text
    assert "T4, T6 cannot be combined with other tables." in page
