"""Placing tables on the floor plan and seating parties on combined tables, through the API.

The floor is `floor.py`'s: T2 and T3 are combinable neighbours (1-2 seats each), T1 is a
two-top that does not combine, T4 (2-4), T6 (4-6) and P1 (2-4) stand alone.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from cadence.clock import FrozenClock
from tests.integration.conftest import Person, add_member, make_org, signup
from tests.integration.venues.floor import Floor, build_floor

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
FRI_19 = "2026-06-05T19:00:00+01:00"
PROBLEM = "application/problem+json"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


async def setup(client: httpx.AsyncClient) -> tuple[Person, Person, Floor]:
    owner = await signup(client, "owner@backroom.example")
    org = await make_org(client, owner, "Backroom")
    floor = await build_floor(client, owner, org)
    staff = await signup(client, "staff@backroom.example")
    await add_member(client, org, owner, staff, "member")
    return owner, staff, floor


def positions(floor: Floor, **at: tuple[float, float]) -> list[dict[str, Any]]:
    return [{"id": floor.tables[name], "x": x, "y": y} for name, (x, y) in at.items()]


# --- the floor plan ------------------------------------------------------------------------


async def test_a_manager_moves_tables_in_one_save_against_the_floor_version(
    client: httpx.AsyncClient,
) -> None:
    owner, staff, floor = await setup(client)
    url = f"/api/v1/orgs/{floor.org}/venue/layout"
    plan = (await client.get(url, headers=staff.auth)).json()
    version = plan["floor_version"]
    assert version > 1  # every table added, or made a neighbour, counted as a change
    assert (plan["width"], plan["height"]) == (1000, 600)
    by_name = {t["name"]: t for t in plan["tables"]}
    assert by_name["T4"]["placed"] is False and (by_name["T4"]["w"], by_name["T4"]["h"]) == (64, 64)

    body = {
        "floor_version": version,
        "tables": positions(floor, T4=(300.4, 200), T6=(500, 200), P1=(800, 450)),
    }
    r = await client.put(url, json=body, headers=owner.auth)
    assert r.status_code == 200, r.text
    saved = r.json()
    assert saved["floor_version"] == version + 1
    by_name = {t["name"]: t for t in saved["tables"]}
    assert (by_name["T4"]["x"], by_name["T4"]["y"], by_name["T4"]["placed"]) == (300, 200, True)
    assert (by_name["P1"]["x"], by_name["P1"]["y"]) == (800, 450)
    tables = (await client.get(f"/api/v1/orgs/{floor.org}/venue/tables", headers=staff.auth)).json()
    assert {t["name"]: (t["x"], t["y"]) for t in tables["items"]}["T6"] == (500, 200)

    # the same version again is stale: someone saved since; nothing of it is written
    body = {"floor_version": version, "tables": positions(floor, T4=(100, 100))}
    r = await client.put(url, json=body, headers=owner.auth)
    assert r.status_code == 409 and r.headers["content-type"].startswith(PROBLEM)
    problem = r.json()
    assert problem["type"].endswith("stale-edit") and problem["current_version"] == version + 1
    assert "version" in problem["detail"]
    # a table changed through its own endpoint also moves the floor on
    r = await client.patch(
        f"/api/v1/orgs/{floor.org}/venue/tables/{floor.tables['T1']}",
        json={"seats_max": 3},
        headers=owner.auth,
    )
    assert r.status_code == 200
    body = {"floor_version": version + 1, "tables": positions(floor, T4=(100, 100))}
    assert (await client.put(url, json=body, headers=owner.auth)).status_code == 409
    after = (await client.get(url, headers=owner.auth)).json()
    assert after["floor_version"] == version + 2
    assert {t["name"]: t["x"] for t in after["tables"]}["T4"] == 300
    venue = (await client.get(f"/api/v1/orgs/{floor.org}/venue", headers=owner.auth)).json()
    assert venue["floor_version"] == version + 2


async def test_positions_are_checked_at_the_edge_and_against_the_plan(
    client: httpx.AsyncClient,
) -> None:
    owner, _, floor = await setup(client)
    url = f"/api/v1/orgs/{floor.org}/venue/layout"
    version = (await client.get(url, headers=owner.auth)).json()["floor_version"]

    async def put(tables: list[dict[str, Any]]) -> httpx.Response:
        return await client.put(
            url, json={"floor_version": version, "tables": tables}, headers=owner.auth
        )

    # a centre off the canvas: refused by the schema, naming the field
    r = await put(positions(floor, T4=(1200, 100)))
    assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM)
    assert "tables.0.x" in {e["field"] for e in r.json()["errors"]}
    # a centre on the canvas whose table would stick out over the edge (T6: 76 x 76)
    r = await put(positions(floor, T4=(300, 200), T6=(990, 300)))
    assert r.status_code == 422 and r.json()["field"] == "tables.1"
    assert "inside the floor plan" in r.json()["detail"]
    # two tables on top of each other
    r = await put(positions(floor, T4=(300, 200), T6=(320, 210)))
    assert r.status_code == 422 and r.json()["field"] == "tables.0"
    assert r.json()["overlaps"] == [[floor.tables["T4"], floor.tables["T6"]]]
    assert "overlap" in r.json()["detail"]
    # ... side by side (touching) is fine: T4 is 64 wide, T6 76, centres 70 apart
    r = await put(positions(floor, T4=(300, 200), T6=(370, 200)))
    assert r.status_code == 200, r.text
    version = r.json()["floor_version"]
    # numbers must be finite (JSON has no NaN, but Python's parser reads one)
    raw = '{"floor_version": %d, "tables": [{"id": "%s", "x": NaN, "y": 100}]}'
    r = await client.put(
        url,
        content=raw % (version, floor.tables["T1"]),
        headers={**owner.auth, "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    r = await put([{"id": floor.tables["T1"], "x": "Infinity", "y": 100}])
    assert r.status_code == 422
    # a table twice, a table that is not ours, nothing at all, an unknown field
    r = await put(positions(floor, T1=(100, 500)) * 2)
    assert r.status_code == 422 and "twice" in r.json()["detail"]
    r = await put([{"id": "not-a-table", "x": 100, "y": 500}])
    assert r.status_code == 422 and r.json()["field"] == "tables.0"
    assert (await put([])).status_code == 422
    r = await put([{"id": floor.tables["T1"], "x": 100, "y": 500, "z": 1}])
    assert r.status_code == 422
    # nothing of the refused saves was kept
    plan = (await client.get(url, headers=owner.auth)).json()
    assert plan["floor_version"] == version
    assert {t["name"]: t["placed"] for t in plan["tables"]} == {
        "T1": False,
        "T2": False,
        "T3": False,
        "T4": True,
        "T6": True,
        "P1": False,
    }


async def test_only_managers_of_the_venue_edit_the_plan(client: httpx.AsyncClient) -> None:
    owner, staff, floor = await setup(client)
    url = f"/api/v1/orgs/{floor.org}/venue/layout"
    version = (await client.get(url, headers=staff.auth)).json()["floor_version"]
    body = {"floor_version": version, "tables": positions(floor, T4=(300, 200))}
    r = await client.put(url, json=body, headers=staff.auth)
    assert r.status_code == 403 and r.headers["content-type"].startswith(PROBLEM)
    manager = await signup(client, "manager@backroom.example")
    await add_member(client, floor.org, owner, manager, "manager")
    assert (await client.put(url, json=body, headers=manager.auth)).status_code == 200
    # another organisation's manager: as if the venue did not exist, for reads and writes
    stranger = await signup(client, "stranger@elsewhere.example")
    other = await make_org(client, stranger, "Elsewhere")
    assert (await client.get(url, headers=stranger.auth)).status_code == 404
    body["floor_version"] = version + 1
    r = await client.put(url, json=body, headers=stranger.auth)
    assert r.status_code == 404 and r.headers["content-type"].startswith(PROBLEM)
    # ... and our tables are not theirs to place on their own floor
    theirs = await build_floor(client, stranger, other)
    their_url = f"/api/v1/orgs/{other}/venue/layout"
    their_version = (await client.get(their_url, headers=stranger.auth)).json()["floor_version"]
    r = await client.put(
        their_url,
        json={"floor_version": their_version, "tables": positions(floor, T4=(100, 500))},
        headers=stranger.auth,
    )
    assert r.status_code == 422
    assert theirs.tables["T4"] != floor.tables["T4"]


async def test_two_managers_saving_at_once_one_wins_the_other_is_stale(
    client: httpx.AsyncClient,
) -> None:
    owner, _, floor = await setup(client)
    url = f"/api/v1/orgs/{floor.org}/venue/layout"
    version = (await client.get(url, headers=owner.auth)).json()["floor_version"]
    bodies = [
        {"floor_version": version, "tables": positions(floor, T4=(100 + 200 * i, 300))}
        for i in range(4)
    ]
    answers = await asyncio.gather(*(client.put(url, json=b, headers=owner.auth) for b in bodies))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409, 409, 409]
    plan = (await client.get(url, headers=owner.auth)).json()
    assert plan["floor_version"] == version + 1
    winner = next(b for b, a in zip(bodies, answers, strict=True) if a.status_code == 200)
    assert {t["name"]: t["x"] for t in plan["tables"]}["T4"] == winner["tables"][0]["x"]


# --- combinations of tables ---------------------------------------------------------------


async def test_staff_choose_combinations_of_neighbours_that_fit_the_party(
    client: httpx.AsyncClient,
) -> None:
    owner, staff, floor = await setup(client)
    t = floor.tables
    base = f"/api/v1/orgs/{floor.org}/venue/reservations"

    async def seat(party: int, *names: str, at: str = FRI_19) -> httpx.Response:
        return await client.post(
            base,
            json={
                "starts_at": at,
                "party_size": party,
                "guest_name": f"Party of {party}",
                "table_ids": [t[n] for n in names],
            },
            headers=staff.auth,
        )

    async def refused(r: httpx.Response, reason: str) -> dict[str, Any]:
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith(PROBLEM)
        problem: dict[str, Any] = r.json()
        assert problem["type"].endswith("table-choice-refused")
        assert problem["field"] == "table_ids" and problem["reason"] == reason
        return problem

    problem = await refused(await seat(5, "T2", "T3"), "too-small")
    assert (problem["seats_min"], problem["seats_max"]) == (3, 4)
    assert problem["detail"] == "T2 + T3 seat 3-4 together: too few seats for 5."
    problem = await refused(await seat(2, "T2", "T3"), "too-large")
    assert problem["detail"] == "T2 + T3 is more than 2 need: T2 is not needed."
    problem = await refused(await seat(3, "T1", "T2"), "not-combinable")
    assert problem["detail"] == "T1 cannot be combined with other tables."
    await refused(await seat(7, "T4", "P1"), "not-combinable")
    await refused(await seat(6, "T4"), "too-small")
    await refused(await seat(2, "T6"), "too-large")
    # combinable, but not standing together
    r = await client.patch(
        f"/api/v1/orgs/{floor.org}/venue/tables/{t['T1']}",
        json={"combinable": True},
        headers=owner.auth,
    )
    assert r.status_code == 200
    problem = await refused(await seat(4, "T1", "T3"), "not-neighbours")
    assert problem["detail"] == "T1 + T3 do not stand together: combine neighbouring tables."
    # a chain T1 - T2 - T3 is one group (neighbour links read both ways)
    r = await client.patch(
        f"/api/v1/orgs/{floor.org}/venue/tables/{t['T1']}",
        json={"neighbours": [t["T2"]]},
        headers=owner.auth,
    )
    assert r.status_code == 200
    chain = await seat(6, "T1", "T2", "T3")
    assert chain.status_code == 201, chain.text
    assert [x["name"] for x in chain.json()["tables"]] == ["T1", "T2", "T3"]
    # a fitting pair, later that night; and a party of four moved onto it
    later = "2026-06-05T21:30:00+01:00"
    four = await seat(4, "T4", at=later)
    assert four.status_code == 201
    r = await client.patch(
        f"{base}/{four.json()['id']}", json={"table_ids": [t["T2"], t["T3"]]}, headers=staff.auth
    )
    assert r.status_code == 200, r.text
    assert [x["name"] for x in r.json()["tables"]] == ["T2", "T3"]
    # a move that breaks the rules is refused and changes nothing
    r = await client.patch(
        f"{base}/{four.json()['id']}", json={"table_ids": [t["T3"], t["P1"]]}, headers=staff.auth
    )
    await refused(r, "not-combinable")
    kept = (await client.get(f"{base}/{four.json()['id']}", headers=staff.auth)).json()
    assert [x["name"] for x in kept["tables"]] == ["T2", "T3"]
    floor_view = await client.get(
        f"/api/v1/orgs/{floor.org}/venue/floor", params={"day": "2026-06-05"}, headers=staff.auth
    )
    held = {
        x["table"]["name"]: [r["party_size"] for r in x["reservations"]]
        for x in floor_view.json()["tables"]
    }
    assert held["T2"] == [6, 4] and held["T3"] == [6, 4] and held["T4"] == []
