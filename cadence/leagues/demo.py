"""Demo data of the league scenario: "Riverside Sunday League", eight clubs, one season.

`cadence.demo` calls `load_demo(ctx, org, users)` inside its unit of work. Everything goes
through the app's own services, and the solver runs here directly (not as a job) with a
short time limit, so `make demo` stays quick and starts with a generated, published
schedule that the pages can show at once.
"""

from __future__ import annotations

from datetime import time, timedelta

from cadence.accounts.models import Organisation, User
from cadence.context import Ctx
from cadence.leagues import build, publish, runs, service, solver
from cadence.leagues.models import LeagueRun, LeagueSeason

# name, ground, latitude, longitude
CLUBS = [
    ("Riverside Rovers", "Riverside Park", 53.4808, -2.2426),
    ("Hillside United", "Hill Lane", 53.5409, -2.1114),
    ("Canal Street FC", "Towpath Ground", 53.4631, -2.2913),
    ("Moorland Athletic", "Moor Road", 53.3900, -2.3500),
    ("Valley Wanderers", "Valley Fields", 53.6500, -2.6300),
    ("Bridgeford Town", "Bridge Meadow", 53.5800, -2.4300),
    ("Oakfield Albion", "Oakfield Rec", 53.4100, -2.1500),
    ("Harbour Lane FC", "Harbour Lane", 53.4500, -2.7400),
]
TIME_LIMIT = 3.0


async def load_demo(ctx: Ctx, org: Organisation, users: dict[str, User]) -> LeagueSeason:
    today = ctx.now().date()
    first_sunday = today + timedelta(days=(6 - today.weekday()) % 7 or 7)
    season = await service.create_season(
        ctx,
        org=org,
        fields={"name": f"Season {first_sunday.year}", "format": "double", "phased": True},
    )
    members = {0: [users["drummer"].id, users["bassist"].id], 1: [users["singer"].id]}
    teams = []
    for i, (name, ground, lat, lon) in enumerate(CLUBS):
        closed = [first_sunday + timedelta(weeks=3)] if i == 2 else []  # a pitch re-seeded
        venue = await service.save_venue(
            ctx,
            season,
            {"name": ground, "latitude": lat, "longitude": lon, "unavailable_dates": closed},
        )
        teams.append(
            await service.save_team(
                ctx,
                season,
                {
                    "name": name,
                    "venue_id": venue.id,
                    "member_ids": members.get(i, []),
                    "contact_emails": [f"secretary{i + 1}@riverside-league.example"],
                },
            )
        )
    await service.update_season(
        ctx,
        season,
        {"slot_pattern": {"start": first_sunday, "weekday": 6, "kick_off": time(14, 30)}},
    )
    for fields in (
        {"kind": "max_consecutive_home", "hard": True, "value": 2},
        {"kind": "max_consecutive_away", "hard": True, "value": 2},
        {"kind": "no_repeaters", "hard": True},
        {"kind": "max_breaks_per_team", "hard": False, "weight": 10, "value": 2},
        {"kind": "travel_total", "hard": False, "weight": 1},
        {"kind": "travel_fairness", "hard": False, "weight": 2},
    ):
        await service.save_rule(ctx, season, {"weight": 1, **fields})
    await _generate(ctx, season, by=users["owner"].id)
    return season


async def _generate(ctx: Ctx, season: LeagueSeason, *, by: str) -> None:
    """One finished run, applied and published, as if a manager had clicked through."""
    built = await build.load(ctx, season)
    runs.check_ready(built)
    result = solver.solve(built.model, time_limit=TIME_LIMIT, seed=1)
    ids = [t.id for t in built.teams]
    run = LeagueRun(
        org_id=season.org_id,
        season_id=season.id,
        status="done",
        seed=1,
        time_limit=TIME_LIMIT,
        cancel_requested=False,
        best_hard=result.evaluation.hard,
        best_cost=result.evaluation.cost,
        elapsed=result.elapsed,
        games=[[ids[h], ids[a], s] for h, a, s in result.games],
        created_by=by,
        created_at=ctx.now(),
        started_at=ctx.now(),
        finished_at=ctx.now(),
    )
    ctx.session.add(run)
    await ctx.session.flush()
    await runs.apply_run(ctx, season, run)
    await publish.publish_season(ctx, season, by=by)
