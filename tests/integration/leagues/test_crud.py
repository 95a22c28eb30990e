"""Seasons, grounds, teams and rules over the API: roles, validation and tenancy."""

from __future__ import annotations

import httpx

from tests.integration.conftest import make_org, signup
from tests.integration.leagues.helpers import league


async def test_season_slots_are_weekly_kick_offs_in_the_org_zone(
    client: httpx.AsyncClient,
) -> None:
    lg = await league(client)
    season = (await client.get(lg.base, headers=lg.player.auth)).json()
    assert season["timezone"] == "Europe/London"
    # 4 teams, double round robin: 6 Sundays at 14:30 London, across the October change.
    assert season["slots"] == [
        "2030-09-01T13:30:00Z",
        "2030-09-08T13:30:00Z",
        "2030-09-15T13:30:00Z",
        "2030-09-22T13:30:00Z",
        "2030-09-29T13:30:00Z",
        "2030-10-06T13:30:00Z",
    ]
    later = await client.patch(
        lg.base,
        json={"slot_pattern": {"start": "2030-10-20", "weekday": 6, "kick_off": "14:30"}},
        headers=lg.manager.auth,
    )
    assert later.json()["slots"][:2] == ["2030-10-20T13:30:00Z", "2030-10-27T14:30:00Z"]
    naive = await client.patch(
        lg.base, json={"slots": ["2030-09-01T14:30:00"]}, headers=lg.manager.auth
    )
    assert naive.status_code == 422


async def test_members_read_managers_write(client: httpx.AsyncClient) -> None:
    lg = await league(client)
    teams = await client.get(f"{lg.base}/teams", headers=lg.player.auth)
    assert teams.status_code == 200
    assert [t["name"] for t in teams.json()["items"]][:2] == ["Riverside Rovers", "Hillside United"]
    assert teams.json()["items"][0]["member_ids"] == [lg.player.id]
    refused = await client.post(f"{lg.base}/teams", json={"name": "X"}, headers=lg.player.auth)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    too_long = await client.post(
        f"{lg.base}/teams", json={"name": "x" * 201}, headers=lg.manager.auth
    )
    assert too_long.status_code == 422


async def test_rules_are_checked_against_the_season(client: httpx.AsyncClient) -> None:
    lg = await league(client)
    ok = await client.post(
        f"{lg.base}/rules",
        json={"kind": "max_consecutive_home", "value": 2, "hard": False, "weight": 5},
        headers=lg.manager.auth,
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["value"] == 2 and ok.json()["hard"] is False
    fixed = await client.post(
        f"{lg.base}/rules",
        json={"kind": "fixed_game", "home": lg.teams[0], "away": lg.teams[1], "slots": [0]},
        headers=lg.manager.auth,
    )
    assert fixed.status_code == 201, fixed.text
    unknown = await client.post(f"{lg.base}/rules", json={"kind": "nope"}, headers=lg.manager.auth)
    assert unknown.status_code == 422
    stranger = await client.post(
        f"{lg.base}/rules",
        json={"kind": "fixed_game", "home": "0" * 32, "away": lg.teams[1], "slots": [0]},
        headers=lg.manager.auth,
    )
    assert stranger.status_code == 422
    past_end = await client.post(
        f"{lg.base}/rules",
        json={"kind": "team_unavailable", "teams": [lg.teams[0]], "slots": [99]},
        headers=lg.manager.auth,
    )
    assert past_end.status_code == 422
    rules = await client.get(f"{lg.base}/rules", headers=lg.player.auth)
    assert len(rules.json()["items"]) == 2
    gone = await client.delete(f"{lg.base}/rules/{ok.json()['id']}", headers=lg.manager.auth)
    assert gone.status_code == 204
    assert len((await client.get(f"{lg.base}/rules", headers=lg.player.auth)).json()["items"]) == 1


async def test_team_members_must_belong_to_the_org(client: httpx.AsyncClient) -> None:
    lg = await league(client)
    outsider = await signup(client, "outsider@else.example")
    r = await client.post(
        f"{lg.base}/teams",
        json={"name": "Strangers", "member_ids": [outsider.id]},
        headers=lg.manager.auth,
    )
    assert r.status_code == 422


async def test_another_orgs_ids_answer_404(client: httpx.AsyncClient) -> None:
    lg = await league(client)
    other = await signup(client, "other@else.example")
    other_org = await make_org(client, other, "Else")
    # Their own org id with our season id, and our org id: both 404.
    foreign = f"/api/v1/orgs/{other_org}/leagues/seasons/{lg.season_id}"
    for url in (foreign, lg.base, f"{lg.base}/teams/{lg.teams[0]}"):
        r = await client.get(url, headers=other.auth)
        assert r.status_code in (404, 405), (url, r.status_code)
    for method, url in (
        ("PATCH", foreign),
        ("PATCH", f"{foreign}/teams/{lg.teams[0]}"),
        ("DELETE", f"{foreign}/venues/{lg.venues[0]}"),
        ("POST", f"{foreign}/runs"),
        ("GET", f"{foreign}/schedule"),
    ):
        r = await client.request(method, url, json={}, headers=other.auth)
        assert r.status_code == 404, (method, url, r.status_code)
    # A team id of our season under another season of the same org is not found either.
    second = await client.post(
        f"/api/v1/orgs/{lg.org_id}/leagues/seasons",
        json={"name": "Spring"},
        headers=lg.manager.auth,
    )
    r = await client.patch(
        f"/api/v1/orgs/{lg.org_id}/leagues/seasons/{second.json()['id']}/teams/{lg.teams[0]}",
        json={"name": "Moved"},
        headers=lg.manager.auth,
    )
    assert r.status_code == 404


async def test_deleting_a_ground_keeps_its_team(client: httpx.AsyncClient) -> None:
    lg = await league(client)
    r = await client.delete(f"{lg.base}/venues/{lg.venues[0]}", headers=lg.manager.auth)
    assert r.status_code == 204
    teams = (await client.get(f"{lg.base}/teams", headers=lg.manager.auth)).json()["items"]
    assert teams[0]["venue_id"] is None
    seasons = await client.get(f"/api/v1/orgs/{lg.org_id}/leagues/seasons", headers=lg.player.auth)
    assert [s["name"] for s in seasons.json()["items"]] == ["Autumn 2030"]
