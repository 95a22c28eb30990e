"""Solver runs ("Generate"): start one as a job, follow it, cancel it, apply its result.

A run row is the contract between the request that starts it, the job that runs the solver
(`jobs.py`, maybe in another process: `cadence worker`) and the page that watches it: the
job writes progress there and publishes `league.progress`; cancelling sets a flag the job
reads between progress writes and hands to the solver's `should_stop`.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select

from cadence.audit import service as audit
from cadence.calendar import service as calendar
from cadence.calendar.models import Event
from cadence.context import Ctx
from cadence.errors import Conflict, InvalidInput, NotFound
from cadence.jobs import enqueue
from cadence.leagues import build
from cadence.leagues.models import LeagueGame, LeagueRun, LeagueSeason, LeagueTeam
from cadence.leagues.slots import from_text, rounds_needed
from cadence.pagination import Page, paginate
from cadence.realtime import publish, register_event_type

JOB = "league.generate"
ACTIVE = ("queued", "running")
FINISHED = ("done", "cancelled", "failed")


class LeagueProgress(BaseModel):
    run_id: str
    season_id: str
    status: str
    best_hard: int | None
    best_cost: int | None
    elapsed: float
    time_limit: float


class ScheduleChanged(BaseModel):
    season_id: str
    reason: str


register_event_type("league.progress", LeagueProgress)
register_event_type("league.schedule.changed", ScheduleChanged)


async def announce(ctx: Ctx, run: LeagueRun) -> None:
    """The run's state as a live event (the progress page and the CLI follow it)."""
    await publish(
        ctx,
        org_id=run.org_id,
        type="league.progress",
        data={
            "run_id": run.id,
            "season_id": run.season_id,
            "status": run.status,
            "best_hard": run.best_hard,
            "best_cost": run.best_cost,
            "elapsed": round(run.elapsed, 2),
            "time_limit": run.time_limit,
        },
    )


async def schedule_changed(ctx: Ctx, season: LeagueSeason, reason: str) -> None:
    await publish(
        ctx,
        org_id=season.org_id,
        type="league.schedule.changed",
        data={"season_id": season.id, "reason": reason},
    )


def check_ready(built: build.Built) -> None:
    """What the solver cannot work around: too few teams or slots."""
    teams = len(built.teams)
    if teams < 2:
        raise InvalidInput("A season needs at least two teams.", field="teams")
    needed = rounds_needed(teams, built.season.format == "double")
    if len(built.season.slots) < needed:
        raise InvalidInput(
            f"{teams} teams need {needed} playing slots; the season has {len(built.season.slots)}.",
            field="slots",
        )


async def start_run(
    ctx: Ctx, season: LeagueSeason, *, time_limit: float, seed: int, user_id: str | None
) -> LeagueRun:
    check_ready(await build.load(ctx, season))
    active = await ctx.session.scalar(
        select(LeagueRun.id).where(
            LeagueRun.org_id == season.org_id,
            LeagueRun.season_id == season.id,
            LeagueRun.status.in_(ACTIVE),
        )
    )
    if active is not None:
        raise Conflict("This season is already being generated.", run_id=active)
    run = LeagueRun(
        org_id=season.org_id,
        season_id=season.id,
        status="queued",
        seed=seed,
        time_limit=time_limit,
        cancel_requested=False,
        elapsed=0.0,
        created_by=user_id,
        created_at=ctx.now(),
    )
    ctx.session.add(run)
    await ctx.session.flush()
    await enqueue(
        ctx, JOB, {"run_id": run.id}, key=f"league-run:{run.id}", org_id=run.org_id, max_attempts=2
    )
    await audit.record(
        ctx,
        org_id=run.org_id,
        action="league.run.start",
        target_type="league_run",
        target_id=run.id,
        after={"seed": seed, "time_limit": time_limit},
    )
    await announce(ctx, run)
    return run


async def run_of(ctx: Ctx, season: LeagueSeason, run_id: str) -> LeagueRun:
    run = await ctx.session.get(LeagueRun, run_id)
    if run is None or run.season_id != season.id or run.org_id != season.org_id:
        raise NotFound("No such run.")
    return run


async def list_runs(
    ctx: Ctx, season: LeagueSeason, *, cursor: str | None, limit: int
) -> Page[LeagueRun]:
    query = select(LeagueRun).where(
        LeagueRun.org_id == season.org_id, LeagueRun.season_id == season.id
    )
    return await paginate(ctx.session, query, LeagueRun.id, cursor=cursor, limit=limit, desc=True)


async def cancel_run(ctx: Ctx, run: LeagueRun) -> LeagueRun:
    """A queued run ends at once; a running one stops at the solver's next check."""
    if run.status in FINISHED:
        raise Conflict(f"This run is already {run.status}.")
    run.cancel_requested = True
    if run.status == "queued":
        run.status = "cancelled"
        run.finished_at = ctx.now()
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=run.org_id,
        action="league.run.cancel",
        target_type="league_run",
        target_id=run.id,
    )
    await announce(ctx, run)
    return run


async def games_of(ctx: Ctx, season: LeagueSeason) -> list[LeagueGame]:
    query = select(LeagueGame).where(
        LeagueGame.org_id == season.org_id, LeagueGame.season_id == season.id
    )
    return list((await ctx.session.scalars(query.order_by(LeagueGame.slot, LeagueGame.id))).all())


def place(
    game: LeagueGame, slot: int, instants: list[datetime], teams: dict[str, LeagueTeam]
) -> bool:
    """Put a game in `slot` (time and the home team's ground); True when anything changed."""
    before = (game.slot, game.starts_at, game.venue_id)
    game.slot = slot
    game.starts_at = instants[slot] if slot < len(instants) else None
    home = teams.get(game.home_team_id)
    game.venue_id = home.venue_id if home is not None else None
    return before != (game.slot, game.starts_at, game.venue_id)


async def apply_run(ctx: Ctx, season: LeagueSeason, run: LeagueRun) -> list[LeagueGame]:
    """Make the run's games the season's schedule.

    Games already in the schedule are kept where the same home team meets the same away team
    again (so a published game keeps its calendar event and is updated at the next publish);
    games the new schedule no longer has lose their calendar event now.
    """
    if run.games is None:
        raise Conflict(f"This run has no schedule to apply (it is {run.status}).")
    built = await build.load(ctx, season)
    teams = {t.id: t for t in built.teams}
    instants = from_text(season.slots)
    existing: dict[tuple[str, str], list[LeagueGame]] = {}
    for old in await games_of(ctx, season):
        existing.setdefault((old.home_team_id, old.away_team_id), []).append(old)
    kept: list[LeagueGame] = []
    for home, away, slot in sorted(run.games, key=lambda g: (int(g[2]), str(g[0]))):
        if home not in teams or away not in teams:
            raise Conflict("The teams changed since this run; generate again.")
        pool = existing.get((str(home), str(away))) or []
        if pool:
            game = pool.pop(0)
        else:
            game = LeagueGame(
                org_id=season.org_id,
                season_id=season.id,
                home_team_id=str(home),
                away_team_id=str(away),
                dirty=True,
                updated_at=ctx.now(),
            )
            ctx.session.add(game)
        if place(game, int(slot), instants, teams):
            game.dirty = True
            game.updated_at = ctx.now()
        kept.append(game)
    for leftovers in existing.values():
        for old in leftovers:
            await drop_game(ctx, old)
    run.applied_at = ctx.now()
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=season.org_id,
        action="league.run.apply",
        target_type="league_run",
        target_id=run.id,
        after={"games": len(kept)},
    )
    await schedule_changed(ctx, season, "applied")
    return kept


async def replace_games(ctx: Ctx, season: LeagueSeason) -> int:
    """Re-derive every game's time and ground after the slots or a home ground changed.

    Changed games become `dirty`, so the next publish moves their calendar events and tells
    the people concerned. Returns how many changed.
    """
    teams = {
        t.id: t
        for t in await ctx.session.scalars(
            select(LeagueTeam).where(
                LeagueTeam.org_id == season.org_id, LeagueTeam.season_id == season.id
            )
        )
    }
    instants = from_text(season.slots)
    changed = 0
    for game in await games_of(ctx, season):
        if place(game, game.slot, instants, teams):
            game.dirty, game.updated_at = True, ctx.now()
            changed += 1
    await ctx.session.flush()
    return changed


async def mark_changed(
    ctx: Ctx, season: LeagueSeason, *, team_id: str | None = None, venue_id: str | None = None
) -> None:
    """A renamed team or ground: its published games need their events' text updated."""
    for game in await games_of(ctx, season):
        if team_id in (game.home_team_id, game.away_team_id) or (
            venue_id is not None and game.venue_id == venue_id
        ):
            game.dirty, game.updated_at = True, ctx.now()
    await ctx.session.flush()


async def drop_games(ctx: Ctx, season: LeagueSeason, *, team_id: str | None = None) -> None:
    """Remove the season's games (or one team's), cancelling their calendar events."""
    for game in await games_of(ctx, season):
        if team_id is None or team_id in (game.home_team_id, game.away_team_id):
            await drop_game(ctx, game)
    await ctx.session.flush()


async def drop_game(ctx: Ctx, game: LeagueGame) -> None:
    """Remove a game; a published one's calendar event is cancelled (subscribers drop it)."""
    if game.event_id is not None:
        event = await ctx.session.get(Event, game.event_id)
        if event is not None and event.org_id == game.org_id:
            await calendar.cancel_event(ctx, event, version=None)
    await ctx.session.delete(game)
