"""Generate (a real solver run as a job), follow it, cancel it, apply it, edit the result."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from cadence.realtime.models import DomainEvent
from cadence.solve.season import Rule, Season, Slot, Team, Venue, evaluate_season
from tests.integration.leagues.helpers import League, generate, league, wait_for_run


async def _independent_check(client: httpx.AsyncClient, lg: League) -> dict[str, Any]:
    """Rebuild the season from what the API says and evaluate the schedule it serves."""
    auth = lg.manager.auth
    season = (await client.get(lg.base, headers=auth)).json()
    teams = (await client.get(f"{lg.base}/teams", headers=auth)).json()["items"]
    venues = (await client.get(f"{lg.base}/venues", headers=auth)).json()["items"]
    rules = (await client.get(f"{lg.base}/rules", headers=auth)).json()["items"]
    schedule = (await client.get(f"{lg.base}/schedule", headers=auth)).json()
    t_at = {t["id"]: i for i, t in enumerate(teams)}
    v_at = {v["id"]: i for i, v in enumerate(venues)}
    model = Season(
        teams=tuple(Team(t["name"], v_at.get(t["venue_id"])) for t in teams),
        slots=tuple(Slot(datetime.fromisoformat(s)) for s in season["slots"]),
        venues=tuple(Venue(v["name"], v["latitude"], v["longitude"]) for v in venues),
        double_round_robin=season["format"] == "double",
        phased=season["phased"],
        mirrored=season["mirrored"],
        rules=tuple(
            Rule(
                kind=r["kind"],
                hard=r["hard"],
                weight=r["weight"],
                value=r["value"],
                teams=tuple(t_at[t] for t in r["teams"]),
                slots=tuple(r["slots"]),
            )
            for r in rules
        ),
    )
    games = [
        (t_at[g["home_team_id"]], t_at[g["away_team_id"]], g["slot"])
        for r in schedule["rounds"]
        for g in r["games"]
    ]
    evaluation = evaluate_season(model, games)
    assert evaluation.hard == 0, evaluation
    assert evaluation.cost == schedule["cost"]
    assert [t["distance"] for t in schedule["travel"]] == list(evaluation.travel)
    return dict(schedule)


async def test_generate_apply_and_the_schedule_passes_the_evaluator(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    lg = await league(client)
    rule = await client.post(
        f"{lg.base}/rules",
        json={"kind": "max_consecutive_home", "value": 2, "hard": True},
        headers=lg.manager.auth,
    )
    assert rule.status_code == 201
    await client.post(
        f"{lg.base}/rules",
        json={"kind": "travel_total", "hard": False, "weight": 1},
        headers=lg.manager.auth,
    )
    refused = await client.post(f"{lg.base}/runs", json={}, headers=lg.player.auth)
    assert refused.status_code == 403
    run = await generate(client, lg, time_limit=2, seed=3)
    assert run["best_hard"] == 0 and run["games"] == 12 and run["finished_at"]
    applied = await client.post(f"{lg.base}/runs/{run['id']}/apply", headers=lg.manager.auth)
    assert applied.status_code == 200, applied.text
    schedule = await _independent_check(client, lg)
    assert schedule["hard"] == 0
    assert len(schedule["rounds"]) == 6
    # Every team plays once in every round of a 4-team double round robin: no byes.
    assert all(None not in r["cells"] for r in schedule["rounds"])
    assert all(t["distance"] > 0 for t in schedule["travel"])
    # The progress went out as live events of the organisation.
    async with app.state.cadence.sessions() as session:
        events = list(
            await session.scalars(
                select(DomainEvent).where(
                    DomainEvent.org_id == lg.org_id, DomainEvent.type == "league.progress"
                )
            )
        )
    statuses = [e.data["status"] for e in events if e.data["run_id"] == run["id"]]
    assert statuses[0] == "queued" and "running" in statuses and statuses[-1] == "done"


async def test_a_season_without_enough_slots_is_refused(client: httpx.AsyncClient) -> None:
    lg = await league(client)
    r = await client.patch(
        lg.base, json={"slots": ["2030-09-01T13:30:00Z"]}, headers=lg.manager.auth
    )
    assert r.status_code == 200
    r = await client.post(f"{lg.base}/runs", json={"time_limit": 1}, headers=lg.manager.auth)
    assert r.status_code == 422
    assert "slots" in r.json()["detail"]


async def test_cancel_stops_a_running_solver(client: httpx.AsyncClient) -> None:
    lg = await league(client, clubs=8)
    await client.post(
        f"{lg.base}/rules", json={"kind": "travel_total", "hard": False}, headers=lg.manager.auth
    )
    r = await client.post(
        f"{lg.base}/runs", json={"time_limit": 60, "seed": 1}, headers=lg.manager.auth
    )
    assert r.status_code == 202
    run_id = r.json()["id"]
    await asyncio.sleep(0.5)
    cancel = await client.post(f"{lg.base}/runs/{run_id}/cancel", headers=lg.manager.auth)
    assert cancel.status_code == 200, cancel.text
    started = asyncio.get_running_loop().time()
    final = await wait_for_run(client, lg, run_id, limit=20)
    assert final["status"] == "cancelled"
    assert asyncio.get_running_loop().time() - started < 20
    again = await client.post(f"{lg.base}/runs/{run_id}/cancel", headers=lg.manager.auth)
    assert again.status_code == 409


async def test_moves_are_validated_and_saved_only_when_asked(client: httpx.AsyncClient) -> None:
    lg = await league(client)
    run = await generate(client, lg)
    await client.post(f"{lg.base}/runs/{run['id']}/apply", headers=lg.manager.auth)
    schedule = (await client.get(f"{lg.base}/schedule", headers=lg.manager.auth)).json()
    first, second = schedule["rounds"][0]["games"][0], schedule["rounds"][1]["games"][0]
    # Moving a game into a round where both its teams already play breaks the round robin.
    dry = await client.post(
        f"{lg.base}/schedule/move",
        json={"game_id": first["id"], "slot": 1},
        headers=lg.manager.auth,
    )
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert body["persisted"] is False and body["hard"] > 0
    assert body["new_violations"] and all(v["hard"] for v in body["new_violations"])
    assert body["games"][0]["slot"] == 1
    unchanged = (await client.get(f"{lg.base}/schedule", headers=lg.manager.auth)).json()
    assert unchanged["rounds"][0]["games"][0]["id"] == first["id"]
    assert unchanged["hard"] == 0
    refused = await client.post(
        f"{lg.base}/schedule/move",
        json={"game_id": first["id"], "slot": 1},
        headers=lg.player.auth,
    )
    assert refused.status_code == 403
    # Swapping two games' rounds keeps every team once per round; saved when asked.
    swap = await client.post(
        f"{lg.base}/schedule/swap",
        json={"game_id": first["id"], "other_game_id": second["id"], "persist": True},
        headers=lg.manager.auth,
    )
    assert swap.status_code == 200, swap.text
    assert swap.json()["persisted"] is True
    after = (await client.get(f"{lg.base}/schedule", headers=lg.manager.auth)).json()
    slots = {g["id"]: g["slot"] for r in after["rounds"] for g in r["games"]}
    assert slots[first["id"]] == 1 and slots[second["id"]] == 0
    assert after["hard"] == swap.json()["hard"]
    missing = await client.post(
        f"{lg.base}/schedule/move", json={"game_id": "0" * 32, "slot": 0}, headers=lg.manager.auth
    )
    assert missing.status_code == 404
