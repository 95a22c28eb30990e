"""The league pages (wizard, progress, schedule with its check endpoint) and the demo data."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from cadence.accounts import orgs, service
from cadence.accounts.models import Membership
from cadence.context import unit_of_work
from cadence.leagues import schedule
from cadence.leagues.demo import load_demo
from cadence.leagues.models import LeagueGame, LeagueSeason
from tests.integration.web.test_pages import HTML, csrf_of

PASSWORD = "cadence-demo"


async def _demo(app: FastAPI) -> tuple[str, str]:
    state = app.state.cadence
    async with unit_of_work(state.sessions, state.settings, state.clock) as ctx:
        users = {}
        for key in ("owner", "singer", "drummer", "bassist"):
            users[key] = await service.register(
                ctx, email=f"{key}@demo.example", password=PASSWORD, name=key.title()
            )
        ctx.actor_id = users["owner"].id
        org = await orgs.create_org(
            ctx,
            users["owner"],
            name="Riverside Sunday League",
            timezone="Europe/London",
            kind="league",
        )
        for key in ("singer", "drummer", "bassist"):
            ctx.session.add(
                Membership(
                    org_id=org.id, user_id=users[key].id, role="member", created_at=ctx.now()
                )
            )
        await ctx.session.flush()
        season = await load_demo(ctx, org, users)
    return org.id, season.id


async def test_demo_season_is_generated_published_and_passes_the_evaluator(
    app: FastAPI,
) -> None:
    org_id, season_id = await _demo(app)
    state = app.state.cadence
    async with unit_of_work(state.sessions, state.settings, state.clock) as ctx:
        season = await ctx.session.get(LeagueSeason, season_id)
        assert season is not None and season.org_id == org_id
        view = await schedule.schedule_of(ctx, season)
        assert len(view.games) == 56 and len(view.rounds) == 14
        assert view.evaluation.hard == 0, view.violations
        assert season.publish_count == 1
        games = (await ctx.session.scalars(select(LeagueGame))).all()
        assert all(g.event_id is not None and not g.dirty for g in games)


async def test_pages_wizard_progress_schedule_and_drag_check(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    org_id, season_id = await _demo(app)
    token = await csrf_of(client)
    r = await client.post(
        "/login", data={"email": "owner@demo.example", "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 303
    base = f"/orgs/{org_id}/leagues"
    listing = await client.get(base, headers=HTML)
    assert listing.status_code == 200 and "Season " in listing.text
    season_url = f"{base}/seasons/{season_id}"
    wizard = await client.get(season_url, headers=HTML)
    assert wizard.status_code == 200
    assert "Riverside Rovers" in wizard.text and "Towpath Ground" in wizard.text
    page = await client.get(f"{season_url}/schedule", headers=HTML)
    assert page.status_code == 200
    assert "data-league-grid" in page.text and "Travel per team" in page.text
    assert page.text.count("<circle") == 8  # every ground on the sketch
    assert "/static/league.js" in page.text and "<script>" not in page.text
    # The grid's drag check: a dry run answers JSON and saves nothing.
    game_id = page.text.split('data-game="')[1][:32]
    check = await client.post(
        f"{season_url}/schedule/check",
        data={"game_id": game_id, "slot": "13", "persist": "false"},
        headers={"X-CSRF-Token": token},
    )
    assert check.status_code == 200, check.text
    assert check.json()["persisted"] is False and check.json()["new_violations"]
    no_csrf = await client.post(f"{season_url}/schedule/check", data={"game_id": game_id})
    assert no_csrf.status_code == 403
    # A new season through the wizard's forms, up to a started run and its progress page.
    r = await client.post(
        f"{base}/seasons", data={"csrf_token": token, "name": "Cup", "format": "single"}
    )
    assert r.status_code == 303
    cup = r.headers["location"]
    for name in ("North", "South", "East"):
        ground = await client.post(
            f"{cup}/venues",
            data={
                "csrf_token": token,
                "name": f"{name} Park",
                "latitude": "53.4",
                "longitude": "-2.2",
            },
        )
        assert ground.status_code == 303
        team = await client.post(f"{cup}/teams", data={"csrf_token": token, "name": name})
        assert team.status_code == 303
    slots = await client.post(
        f"{cup}/slots",
        data={"csrf_token": token, "start": "2031-01-05", "weekday": "6", "kick_off": "11:00"},
    )
    assert slots.status_code == 303
    rule = await client.post(
        f"{cup}/rules", data={"csrf_token": token, "kind": "no_repeaters", "hard": "on"}
    )
    assert rule.status_code == 303
    wizard = await client.get(cup, headers=HTML)
    assert "3 of 3 needed" in wizard.text and "no repeaters" in wizard.text
    run = await client.post(f"{cup}/runs", data={"csrf_token": token, "time_limit": "1"})
    assert run.status_code == 303 and "/runs/" in run.headers["location"]
    progress = await client.get(run.headers["location"], headers=HTML)
    assert progress.status_code == 200 and "data-league-run" in progress.text
