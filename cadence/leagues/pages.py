"""Web pages of the leagues app: seasons, the season wizard, a run's progress, the schedule.

Every page calls the same services as the API. Forms post back and redirect with a flash;
the schedule grid's drag-and-drop posts to `.../schedule/check` (CSRF header, form body)
and gets JSON back, which `league.js` shows as "what this change breaks".
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ValidationError

from cadence.accounts import orgs as org_service
from cadence.accounts.roles import Role
from cadence.errors import CadenceError
from cadence.http.deps import CtxDep
from cadence.leagues import feeds, publish, runs, schedule, service, sketch
from cadence.leagues.models import LeagueRule, LeagueSeason, LeagueTeam, LeagueVenue
from cadence.leagues.present import edit_out
from cadence.leagues.schemas import RuleIn, SeasonIn, SlotPattern, TeamIn, VenueIn
from cadence.leagues.slots import from_text, rounds_needed
from cadence.realtime.service import last_id
from cadence.solve.season import RULE_KINDS
from cadence.web.session import (
    OrgAccess,
    ViewerAccess,
    WebExit,
    WebRoute,
    org_access,
    page,
    redirect,
)
from cadence.web.session import read_form as _read_form

router = APIRouter(route_class=WebRoute, include_in_schema=False)
ManagerAccess = Annotated[OrgAccess, Depends(org_access(Role.manager))]
M = TypeVar("M", bound=BaseModel)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
BASE = "/orgs/{org_id}/leagues"
SEASON = BASE + "/seasons/{season_id}"


def _url(season: LeagueSeason, tail: str = "") -> str:
    return f"/orgs/{season.org_id}/leagues/seasons/{season.id}{tail}"


async def read_form(request: Request) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The form after its CSRF check, plus every multi-valued field (selects, checkboxes)."""
    form = await _read_form(request)
    raw = await request.form()
    many = {k: [str(v) for v in raw.getlist(k) if isinstance(v, str) and v] for k in raw}
    return form, many


def _valid(request: Request, back: str, model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        text = f"{where}: {first.get('msg', 'invalid')}".removeprefix(": ")
        raise WebExit(redirect(request, back, flash=text, kind="error")) from exc


async def _attempt(request: Request, back: str, action: Any) -> Any:
    """Run a service call; a domain error goes back to the form as a flash (rolled back)."""
    try:
        return await action
    except CadenceError as exc:
        raise WebExit(redirect(request, back, flash=exc.detail, kind="error")) from exc


def _list(text: str) -> list[str]:
    return [p.strip() for p in text.replace(";", ",").replace("\n", ",").split(",") if p.strip()]


# --- seasons -------------------------------------------------------------------------------


@router.get(BASE, response_class=HTMLResponse)
async def seasons_page(request: Request, ctx: CtxDep, access: ViewerAccess) -> HTMLResponse:
    seasons = await service.list_seasons(ctx, org_id=access.org.id, cursor=None, limit=200)
    return await page(
        request,
        ctx,
        "leagues/seasons.html",
        login=access.login,
        org=access.org,
        access=access,
        tab="leagues",
        seasons=seasons.items,
        can_manage=access.role.at_least(Role.manager),
    )


@router.post(BASE + "/seasons")
async def create_season(request: Request, ctx: CtxDep, access: ManagerAccess) -> Response:
    form, _ = await read_form(request)
    back = f"/orgs/{access.org.id}/leagues"
    body = _valid(
        request,
        back,
        SeasonIn,
        {
            "name": form.get("name", ""),
            "format": form.get("format") or "double",
            "phased": form.get("phased") == "on",
            "mirrored": form.get("mirrored") == "on",
        },
    )
    season = await service.create_season(ctx, org=access.org, fields=body.model_dump())
    return redirect(request, _url(season), flash=f"Season {season.name} created.")


async def _season(ctx: CtxDep, access: OrgAccess, season_id: str) -> LeagueSeason:
    return await service.season_of(ctx, org_id=access.org.id, season_id=season_id)


@router.get(SEASON, response_class=HTMLResponse)
async def season_page(
    request: Request, ctx: CtxDep, access: ViewerAccess, season_id: str
) -> HTMLResponse:
    """The wizard: teams, grounds, slots, rules, then Generate."""
    season = await _season(ctx, access, season_id)
    teams = await service.rows_of(ctx, LeagueTeam, season)
    members = await org_service.members(ctx, org_id=access.org.id, cursor=None, limit=200)
    page_runs = await runs.list_runs(ctx, season, cursor=None, limit=10)
    return await page(
        request,
        ctx,
        "leagues/season.html",
        login=access.login,
        org=access.org,
        access=access,
        tab="leagues",
        season=season,
        teams=teams,
        venues=await service.rows_of(ctx, LeagueVenue, season),
        rules=await service.rows_of(ctx, LeagueRule, season),
        slots=from_text(season.slots),
        needed=rounds_needed(len(teams), season.format == "double"),
        people={u.id: u for _, u in members.items},
        runs=page_runs.items,
        kinds=RULE_KINDS,
        days=DAYS,
        can_manage=access.role.at_least(Role.manager),
    )


@router.post(SEASON + "/venues")
async def add_venue(
    request: Request, ctx: CtxDep, access: ManagerAccess, season_id: str
) -> Response:
    form, _ = await read_form(request)
    season = await _season(ctx, access, season_id)
    back = _url(season) + "#venues"
    body = _valid(
        request,
        back,
        VenueIn,
        {
            "name": form.get("name", ""),
            "latitude": form.get("latitude") or None,
            "longitude": form.get("longitude") or None,
            "unavailable_dates": _list(form.get("unavailable_dates", "")),
        },
    )
    await service.save_venue(ctx, season, body.model_dump())
    return redirect(request, back, flash=f"Ground {body.name} added.")


@router.post(SEASON + "/teams")
async def add_team(
    request: Request, ctx: CtxDep, access: ManagerAccess, season_id: str
) -> Response:
    form, many = await read_form(request)
    season = await _season(ctx, access, season_id)
    back = _url(season) + "#teams"
    body = _valid(
        request,
        back,
        TeamIn,
        {
            "name": form.get("name", ""),
            "venue_id": form.get("venue_id") or None,
            "member_ids": many.get("member_ids", []),
            "contact_emails": _list(form.get("contact_emails", "")),
        },
    )
    await _attempt(request, back, service.save_team(ctx, season, body.model_dump()))
    return redirect(request, back, flash=f"Team {body.name} added.")


@router.post(SEASON + "/slots")
async def set_slots(
    request: Request, ctx: CtxDep, access: ManagerAccess, season_id: str
) -> Response:
    form, _ = await read_form(request)
    season = await _season(ctx, access, season_id)
    back = _url(season) + "#slots"
    pattern = _valid(
        request,
        back,
        SlotPattern,
        {
            "start": form.get("start", ""),
            "weekday": form.get("weekday", ""),
            "kick_off": form.get("kick_off", ""),
            "count": form.get("count") or None,
            "skip": _list(form.get("skip", "")),
        },
    )
    changes: dict[str, Any] = {"slot_pattern": pattern.model_dump(), "game_minutes": None}
    if form.get("game_minutes", "").isdigit():
        changes["game_minutes"] = max(15, min(720, int(form["game_minutes"])))
    await _attempt(request, back, service.update_season(ctx, season, changes))
    return redirect(request, back, flash=f"{len(season.slots)} playing slots set.")


@router.post(SEASON + "/rules")
async def add_rule(
    request: Request, ctx: CtxDep, access: ManagerAccess, season_id: str
) -> Response:
    form, many = await read_form(request)
    season = await _season(ctx, access, season_id)
    back = _url(season) + "#rules"
    slots = [int(s) - 1 for s in _list(form.get("slots", "")) if s.isdigit() and int(s) > 0]
    body = _valid(
        request,
        back,
        RuleIn,
        {
            "kind": form.get("kind", ""),
            "hard": form.get("hard") == "on",
            "weight": form.get("weight") or 1,
            "value": form.get("value") or 0,
            "teams": many.get("teams", []),
            "slots": slots,
            "home": form.get("home") or None,
            "away": form.get("away") or None,
            "venue": form.get("venue") or None,
        },
    )
    await _attempt(request, back, service.save_rule(ctx, season, body.model_dump()))
    return redirect(request, back, flash="Rule added.")


@router.post(SEASON + "/{what}/{row_id}/delete")
async def delete_row(
    request: Request, ctx: CtxDep, access: ManagerAccess, season_id: str, what: str, row_id: str
) -> Response:
    await read_form(request)
    season = await _season(ctx, access, season_id)
    row: LeagueTeam | LeagueVenue | LeagueRule
    if what == "teams":
        row = await service.row_of(ctx, LeagueTeam, season, row_id)
    elif what == "venues":
        row = await service.row_of(ctx, LeagueVenue, season, row_id)
    elif what == "rules":
        row = await service.row_of(ctx, LeagueRule, season, row_id)
    else:
        return redirect(request, _url(season), flash="Nothing to delete.", kind="error")
    await service.delete_row(ctx, season, row)
    return redirect(request, _url(season) + f"#{what}", flash="Deleted.")


# --- generate ------------------------------------------------------------------------------


@router.post(SEASON + "/runs")
async def start_run(
    request: Request, ctx: CtxDep, access: ManagerAccess, season_id: str
) -> Response:
    form, _ = await read_form(request)
    season = await _season(ctx, access, season_id)
    try:
        limit = max(0.5, min(300.0, float(form.get("time_limit") or 10)))
        seed = max(0, int(form.get("seed") or 0))
    except ValueError:
        return redirect(request, _url(season), flash="Give a number of seconds.", kind="error")
    run = await _attempt(
        request,
        _url(season) + "#generate",
        runs.start_run(ctx, season, time_limit=limit, seed=seed, user_id=access.login.user.id),
    )
    return redirect(request, _url(season, f"/runs/{run.id}"))


@router.get(SEASON + "/runs/{run_id}", response_class=HTMLResponse)
async def run_page(
    request: Request, ctx: CtxDep, access: ViewerAccess, season_id: str, run_id: str
) -> HTMLResponse:
    season = await _season(ctx, access, season_id)
    run = await runs.run_of(ctx, season, run_id)
    return await page(
        request,
        ctx,
        "leagues/run.html",
        login=access.login,
        org=access.org,
        access=access,
        tab="leagues",
        season=season,
        run=run,
        can_manage=access.role.at_least(Role.manager),
    )


@router.post(SEASON + "/runs/{run_id}/{action}")
async def run_action(
    request: Request, ctx: CtxDep, access: ManagerAccess, season_id: str, run_id: str, action: str
) -> Response:
    await read_form(request)
    season = await _season(ctx, access, season_id)
    run = await runs.run_of(ctx, season, run_id)
    back = _url(season, f"/runs/{run.id}")
    if action == "cancel":
        await _attempt(request, back, runs.cancel_run(ctx, run))
        return redirect(request, back, flash="Cancelling…")
    if action == "apply":
        await _attempt(request, back, runs.apply_run(ctx, season, run))
        return redirect(request, _url(season, "/schedule"), flash="Schedule applied.")
    return redirect(request, back, flash="Unknown action.", kind="error")


# --- the schedule --------------------------------------------------------------------------


@router.get(SEASON + "/schedule", response_class=HTMLResponse)
async def schedule_page(
    request: Request, ctx: CtxDep, access: ViewerAccess, season_id: str
) -> HTMLResponse:
    season = await _season(ctx, access, season_id)
    view = await schedule.schedule_of(ctx, season)
    names = {t.id: t.name for t in view.built.teams}
    travel_bars, travel_height = sketch.bars([(names[t], d) for t, d in view.travel])
    grounds = [
        (
            v.name,
            v.latitude,
            v.longitude,
            ", ".join(t.name for t in view.built.teams if t.venue_id == v.id),
        )
        for v in view.built.venues
    ]
    feed_urls = [(t.name, feeds.feed_url(ctx, kind="team", row_id=t.id)) for t in view.built.teams]
    feed_urls += [
        (v.name, feeds.feed_url(ctx, kind="venue", row_id=v.id)) for v in view.built.venues
    ]
    return await page(
        request,
        ctx,
        "leagues/schedule.html",
        login=access.login,
        org=access.org,
        access=access,
        tab="leagues",
        season=season,
        view=view,
        names=names,
        bars=travel_bars,
        bars_height=travel_height,
        bar_width=sketch.WIDTH,
        label_width=sketch.LABEL_WIDTH,
        points=sketch.points(grounds),
        map_w=sketch.MAP_W,
        map_h=sketch.MAP_H,
        feeds=feed_urls,
        dirty=sum(1 for g in view.games if g.dirty or g.event_id is None),
        seen_event=await last_id(ctx.session),
        can_manage=access.role.at_least(Role.manager),
    )


@router.post(SEASON + "/schedule/check")
async def check_edit(
    request: Request, ctx: CtxDep, access: ManagerAccess, season_id: str
) -> JSONResponse:
    """A drag in the grid: evaluate the move or swap, save it when `persist` is on."""
    form, _ = await read_form(request)
    season = await _season(ctx, access, season_id)
    persist = form.get("persist") == "true"
    try:
        result = await schedule.edit(
            ctx,
            season,
            game_id=form.get("game_id", ""),
            slot=int(form["slot"]) if form.get("slot", "").isdigit() else None,
            other_game_id=form.get("other_game_id") or None,
            persist=persist,
        )
    except CadenceError as exc:
        body = {"title": exc.title, "detail": exc.detail, "status": exc.status}
        raise WebExit(JSONResponse(body, status_code=exc.status)) from exc
    return JSONResponse(edit_out(result).model_dump(mode="json"))


@router.post(SEASON + "/publish")
async def publish_page(
    request: Request, ctx: CtxDep, access: ManagerAccess, season_id: str
) -> Response:
    await read_form(request)
    season = await _season(ctx, access, season_id)
    back = _url(season, "/schedule")
    result = await _attempt(
        request, back, publish.publish_season(ctx, season, by=access.login.user.id)
    )
    text = (
        f"Published: {result.created} new and {result.updated} changed games; "
        f"{result.notified} people told."
    )
    return redirect(request, back, flash=text)
