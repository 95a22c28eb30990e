"""HTTP API of the leagues app: `/api/v1/orgs/{org_id}/leagues/...`.

Members (and viewers) read; managers write. The season is loaded by a dependency after the
membership check, so another organisation's ids answer 404 before the body is looked at.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from cadence.http.deps import CtxDep, CurrentUser, ManagerDep, ViewerDep, load_org
from cadence.http.schemas import PROBLEM_RESPONSES, Limit, Page
from cadence.leagues import feeds, publish, runs, schedule, service
from cadence.leagues.models import LeagueRule, LeagueRun, LeagueSeason, LeagueTeam, LeagueVenue
from cadence.leagues.present import edit_out, rule_out, run_out, schedule_out
from cadence.leagues.schemas import (
    EditOut,
    FeedOut,
    MoveIn,
    PublishOut,
    RuleIn,
    RuleOut,
    RunIn,
    RunOut,
    ScheduleOut,
    SeasonIn,
    SeasonOut,
    SeasonUpdate,
    SwapIn,
    TeamIn,
    TeamOut,
    TeamUpdate,
    VenueIn,
    VenueOut,
    VenueUpdate,
)

router = APIRouter(prefix="/api/v1", tags=["leagues"], responses=PROBLEM_RESPONSES)
Id = Annotated[str, Path(max_length=64)]
Cursor = Annotated[str | None, Query(max_length=64)]
BASE = "/orgs/{org_id}/leagues/seasons"
SEASON = BASE + "/{season_id}"


async def _viewer_season(season_id: Id, ctx: CtxDep, membership: ViewerDep) -> LeagueSeason:
    return await service.season_of(ctx, org_id=membership.org_id, season_id=season_id)


async def _manager_season(season_id: Id, ctx: CtxDep, membership: ManagerDep) -> LeagueSeason:
    return await service.season_of(ctx, org_id=membership.org_id, season_id=season_id)


ReadSeason = Annotated[LeagueSeason, Depends(_viewer_season)]
WriteSeason = Annotated[LeagueSeason, Depends(_manager_season)]


# --- seasons -------------------------------------------------------------------------------


@router.get(BASE, response_model=Page[SeasonOut])
async def list_seasons(
    ctx: CtxDep, membership: ViewerDep, cursor: Cursor = None, limit: Limit = 50
) -> Page[SeasonOut]:
    page = await service.list_seasons(ctx, org_id=membership.org_id, cursor=cursor, limit=limit)
    return Page(
        items=[SeasonOut.model_validate(s) for s in page.items], next_cursor=page.next_cursor
    )


@router.post(BASE, status_code=201, response_model=SeasonOut)
async def create_season(body: SeasonIn, ctx: CtxDep, membership: ManagerDep) -> SeasonOut:
    org = await load_org(ctx, membership)
    fields = body.model_dump(exclude={"slots", "slot_pattern"})
    fields["slots"] = body.slots
    fields["slot_pattern"] = body.slot_pattern.model_dump() if body.slot_pattern else None
    return SeasonOut.model_validate(await service.create_season(ctx, org=org, fields=fields))


@router.get(SEASON, response_model=SeasonOut)
async def get_season(season: ReadSeason) -> SeasonOut:
    return SeasonOut.model_validate(season)


@router.patch(SEASON, response_model=SeasonOut)
async def update_season(body: SeasonUpdate, ctx: CtxDep, season: WriteSeason) -> SeasonOut:
    changes = body.model_dump(exclude={"slots", "slot_pattern"}, exclude_none=True)
    changes["slots"] = body.slots
    changes["slot_pattern"] = body.slot_pattern.model_dump() if body.slot_pattern else None
    return SeasonOut.model_validate(await service.update_season(ctx, season, changes))


@router.delete(SEASON, status_code=204)
async def delete_season(ctx: CtxDep, season: WriteSeason) -> Response:
    await service.delete_season(ctx, season)
    return Response(status_code=204)


# --- venues --------------------------------------------------------------------------------


@router.get(SEASON + "/venues", response_model=Page[VenueOut])
async def list_venues(ctx: CtxDep, season: ReadSeason) -> Page[VenueOut]:
    rows = await service.rows_of(ctx, LeagueVenue, season)
    return Page(items=[VenueOut.model_validate(v) for v in rows])


@router.post(SEASON + "/venues", status_code=201, response_model=VenueOut)
async def create_venue(body: VenueIn, ctx: CtxDep, season: WriteSeason) -> VenueOut:
    return VenueOut.model_validate(await service.save_venue(ctx, season, body.model_dump()))


@router.patch(SEASON + "/venues/{venue_id}", response_model=VenueOut)
async def update_venue(
    venue_id: Id, body: VenueUpdate, ctx: CtxDep, season: WriteSeason
) -> VenueOut:
    venue = await service.row_of(ctx, LeagueVenue, season, venue_id)
    changes = body.model_dump(exclude_unset=True)
    return VenueOut.model_validate(await service.save_venue(ctx, season, changes, venue))


@router.delete(SEASON + "/venues/{venue_id}", status_code=204)
async def delete_venue(venue_id: Id, ctx: CtxDep, season: WriteSeason) -> Response:
    await service.delete_row(ctx, season, await service.row_of(ctx, LeagueVenue, season, venue_id))
    return Response(status_code=204)


# --- teams ---------------------------------------------------------------------------------


@router.get(SEASON + "/teams", response_model=Page[TeamOut])
async def list_teams(ctx: CtxDep, season: ReadSeason) -> Page[TeamOut]:
    rows = await service.rows_of(ctx, LeagueTeam, season)
    return Page(items=[TeamOut.model_validate(t) for t in rows])


@router.post(SEASON + "/teams", status_code=201, response_model=TeamOut)
async def create_team(body: TeamIn, ctx: CtxDep, season: WriteSeason) -> TeamOut:
    return TeamOut.model_validate(await service.save_team(ctx, season, body.model_dump()))


@router.patch(SEASON + "/teams/{team_id}", response_model=TeamOut)
async def update_team(team_id: Id, body: TeamUpdate, ctx: CtxDep, season: WriteSeason) -> TeamOut:
    team = await service.row_of(ctx, LeagueTeam, season, team_id)
    changes = body.model_dump(exclude_unset=True)
    return TeamOut.model_validate(await service.save_team(ctx, season, changes, team))


@router.delete(SEASON + "/teams/{team_id}", status_code=204)
async def delete_team(team_id: Id, ctx: CtxDep, season: WriteSeason) -> Response:
    await service.delete_row(ctx, season, await service.row_of(ctx, LeagueTeam, season, team_id))
    return Response(status_code=204)


# --- rules ---------------------------------------------------------------------------------


@router.get(SEASON + "/rules", response_model=Page[RuleOut])
async def list_rules(ctx: CtxDep, season: ReadSeason) -> Page[RuleOut]:
    return Page(items=[rule_out(r) for r in await service.rows_of(ctx, LeagueRule, season)])


@router.post(SEASON + "/rules", status_code=201, response_model=RuleOut)
async def create_rule(body: RuleIn, ctx: CtxDep, season: WriteSeason) -> RuleOut:
    return rule_out(await service.save_rule(ctx, season, body.model_dump()))


@router.put(SEASON + "/rules/{rule_id}", response_model=RuleOut)
async def replace_rule(rule_id: Id, body: RuleIn, ctx: CtxDep, season: WriteSeason) -> RuleOut:
    rule = await service.row_of(ctx, LeagueRule, season, rule_id)
    return rule_out(await service.save_rule(ctx, season, body.model_dump(), rule))


@router.delete(SEASON + "/rules/{rule_id}", status_code=204)
async def delete_rule(rule_id: Id, ctx: CtxDep, season: WriteSeason) -> Response:
    await service.delete_row(ctx, season, await service.row_of(ctx, LeagueRule, season, rule_id))
    return Response(status_code=204)


# --- generate ------------------------------------------------------------------------------


@router.post(SEASON + "/runs", status_code=202, response_model=RunOut)
async def start_run(body: RunIn, ctx: CtxDep, season: WriteSeason, user: CurrentUser) -> RunOut:
    """Queue a solver run; follow it with GET .../runs/{run_id} or `league.progress` events."""
    run = await runs.start_run(
        ctx, season, time_limit=body.time_limit, seed=body.seed, user_id=user.id
    )
    return run_out(run)


@router.get(SEASON + "/runs", response_model=Page[RunOut])
async def list_runs(
    ctx: CtxDep, season: ReadSeason, cursor: Cursor = None, limit: Limit = 50
) -> Page[RunOut]:
    page = await runs.list_runs(ctx, season, cursor=cursor, limit=limit)
    return Page(items=[run_out(r) for r in page.items], next_cursor=page.next_cursor)


async def _run(run_id: Id, ctx: CtxDep, season: ReadSeason) -> LeagueRun:
    return await runs.run_of(ctx, season, run_id)


@router.get(SEASON + "/runs/{run_id}", response_model=RunOut)
async def get_run(run: Annotated[LeagueRun, Depends(_run)]) -> RunOut:
    return run_out(run)


@router.post(SEASON + "/runs/{run_id}/cancel", response_model=RunOut)
async def cancel_run(run_id: Id, ctx: CtxDep, season: WriteSeason) -> RunOut:
    return run_out(await runs.cancel_run(ctx, await runs.run_of(ctx, season, run_id)))


@router.post(SEASON + "/runs/{run_id}/apply", response_model=ScheduleOut)
async def apply_run(run_id: Id, ctx: CtxDep, season: WriteSeason) -> ScheduleOut:
    """Make the run's schedule the season's; answers the schedule as evaluated."""
    await runs.apply_run(ctx, season, await runs.run_of(ctx, season, run_id))
    return schedule_out(await schedule.schedule_of(ctx, season))


# --- schedule ------------------------------------------------------------------------------


@router.get(SEASON + "/schedule", response_model=ScheduleOut)
async def get_schedule(ctx: CtxDep, season: ReadSeason) -> ScheduleOut:
    return schedule_out(await schedule.schedule_of(ctx, season))


@router.post(SEASON + "/schedule/move", response_model=EditOut)
async def move_game(body: MoveIn, ctx: CtxDep, season: WriteSeason) -> EditOut:
    """Re-validate the schedule with one game in another slot; saved when `persist`."""
    result = await schedule.edit(
        ctx, season, game_id=body.game_id, slot=body.slot, persist=body.persist
    )
    return edit_out(result)


@router.post(SEASON + "/schedule/swap", response_model=EditOut)
async def swap_games(body: SwapIn, ctx: CtxDep, season: WriteSeason) -> EditOut:
    """Re-validate the schedule with two games' slots exchanged; saved when `persist`."""
    result = await schedule.edit(
        ctx, season, game_id=body.game_id, other_game_id=body.other_game_id, persist=body.persist
    )
    return edit_out(result)


@router.post(SEASON + "/publish", response_model=PublishOut)
async def publish_season(ctx: CtxDep, season: WriteSeason, user: CurrentUser) -> PublishOut:
    """Games become calendar events; team members and contacts are told what changed."""
    result = await publish.publish_season(ctx, season, by=user.id)
    return PublishOut(
        created=result.created,
        updated=result.updated,
        notified=result.notified,
        publish_count=season.publish_count,
    )


@router.get(SEASON + "/feeds", response_model=Page[FeedOut])
async def list_feeds(ctx: CtxDep, season: ReadSeason) -> Page[FeedOut]:
    """Secret calendar URLs per team and per ground (no login needed to read them)."""
    items = [
        FeedOut(
            kind="team", id=t.id, name=t.name, url=feeds.feed_url(ctx, kind="team", row_id=t.id)
        )
        for t in await service.rows_of(ctx, LeagueTeam, season)
    ] + [
        FeedOut(
            kind="venue", id=v.id, name=v.name, url=feeds.feed_url(ctx, kind="venue", row_id=v.id)
        )
        for v in await service.rows_of(ctx, LeagueVenue, season)
    ]
    return Page(items=items)


@router.get(
    "/league-feeds/{token}.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
async def league_feed(token: Annotated[str, Path(max_length=200)], ctx: CtxDep) -> Response:
    return Response(
        await feeds.feed_ics(ctx, token=token),
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, no-store"},
    )
