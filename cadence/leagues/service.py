"""Seasons and what they are made of: grounds (venues), teams and rules.

Small read/write functions, each scoped by organisation: a season of another organisation
is simply not found. Teams and rules name other rows by id, checked here to belong to the
same season, so the solver never meets a dangling reference.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import func, select

from cadence.accounts.models import Organisation
from cadence.audit import service as audit
from cadence.calendar import service as calendar
from cadence.context import Ctx
from cadence.errors import InvalidInput, NotFound
from cadence.leagues import runs
from cadence.leagues.models import LeagueRule, LeagueSeason, LeagueTeam, LeagueVenue
from cadence.leagues.slots import rounds_needed, to_text, weekly_slots
from cadence.pagination import Page, paginate

Row = TypeVar("Row", LeagueTeam, LeagueVenue, LeagueRule)


async def _audit(ctx: Ctx, season: LeagueSeason, action: str, target: str, tid: str) -> None:
    await audit.record(
        ctx, org_id=season.org_id, action=f"league.{action}", target_type=target, target_id=tid
    )


# --- seasons -------------------------------------------------------------------------------


async def season_of(ctx: Ctx, *, org_id: str, season_id: str) -> LeagueSeason:
    season = await ctx.session.get(LeagueSeason, season_id)
    if season is None or season.org_id != org_id:
        raise NotFound("No such season.")
    return season


async def list_seasons(
    ctx: Ctx, *, org_id: str, cursor: str | None, limit: int
) -> Page[LeagueSeason]:
    query = select(LeagueSeason).where(LeagueSeason.org_id == org_id)
    return await paginate(ctx.session, query, LeagueSeason.id, cursor=cursor, limit=limit)


async def team_count(ctx: Ctx, season: LeagueSeason) -> int:
    query = select(func.count()).where(
        LeagueTeam.org_id == season.org_id, LeagueTeam.season_id == season.id
    )
    return int(await ctx.session.scalar(query) or 0)


async def _slots_from(
    ctx: Ctx, season: LeagueSeason, slots: list[datetime] | None, pattern: dict[str, Any] | None
) -> list[str] | None:
    if slots is not None and pattern is not None:
        raise InvalidInput("Send either slots or slot_pattern, not both.", field="slots")
    if slots is not None:
        return to_text(slots)
    if pattern is None:
        return None
    count = pattern.get("count") or rounds_needed(
        await team_count(ctx, season), season.format == "double"
    )
    if not count:
        raise InvalidInput("Add teams first, or give the pattern a count.", field="count")
    return to_text(
        weekly_slots(
            zone=season.timezone,
            start=pattern["start"],
            weekday=pattern["weekday"],
            kick_off=pattern["kick_off"],
            count=count,
            skip=set(pattern.get("skip") or []),
        )
    )


async def create_season(ctx: Ctx, *, org: Organisation, fields: dict[str, Any]) -> LeagueSeason:
    """A season in the organisation's zone; its slots are computed in that zone."""
    now = ctx.now()
    slots, pattern = fields.pop("slots", None), fields.pop("slot_pattern", None)
    season = LeagueSeason(
        org_id=org.id, timezone=org.timezone, slots=[], created_at=now, updated_at=now, **fields
    )
    season.slots = await _slots_from(ctx, season, slots, pattern) or []
    ctx.session.add(season)
    await ctx.session.flush()
    await _audit(ctx, season, "season.create", "league_season", season.id)
    return season


async def update_season(ctx: Ctx, season: LeagueSeason, changes: dict[str, Any]) -> LeagueSeason:
    slots, pattern = changes.pop("slots", None), changes.pop("slot_pattern", None)
    for key in ("name", "format", "phased", "mirrored", "game_minutes"):
        if changes.get(key) is not None:
            setattr(season, key, changes[key])
    new_slots = await _slots_from(ctx, season, slots, pattern)
    if new_slots is not None:
        season.slots = new_slots
    season.updated_at = ctx.now()
    await ctx.session.flush()
    if new_slots is not None:
        await runs.replace_games(ctx, season)
    await _audit(ctx, season, "season.update", "league_season", season.id)
    return season


async def delete_season(ctx: Ctx, season: LeagueSeason) -> None:
    """Published games' calendar events are cancelled, so subscribers drop them."""
    await runs.drop_games(ctx, season)
    await _audit(ctx, season, "season.delete", "league_season", season.id)
    await ctx.session.delete(season)
    await ctx.session.flush()


# --- rows of a season ----------------------------------------------------------------------


async def rows_of(ctx: Ctx, model: type[Row], season: LeagueSeason) -> list[Row]:
    query = select(model).where(model.org_id == season.org_id, model.season_id == season.id)
    return list((await ctx.session.scalars(query.order_by(model.id))).all())


async def row_of(ctx: Ctx, model: type[Row], season: LeagueSeason, row_id: str) -> Row:
    row = await ctx.session.get(model, row_id)
    if row is None or row.season_id != season.id or row.org_id != season.org_id:
        raise NotFound(f"No such {model.__tablename__.removeprefix('league_')[:-1]}.")
    return row


async def _check_venue(ctx: Ctx, season: LeagueSeason, venue_id: str | None) -> None:
    if venue_id is not None:
        try:
            await row_of(ctx, LeagueVenue, season, venue_id)
        except NotFound:
            raise InvalidInput("No such venue in this season.", field="venue_id") from None


async def save_venue(
    ctx: Ctx, season: LeagueSeason, fields: dict[str, Any], venue: LeagueVenue | None = None
) -> LeagueVenue:
    if "unavailable_dates" in fields and fields["unavailable_dates"] is not None:
        days: list[date] = fields["unavailable_dates"]
        fields["unavailable_dates"] = sorted({d.isoformat() for d in days})
    renamed = venue is not None and fields.get("name") not in (None, venue.name)
    if venue is None:
        venue = LeagueVenue(org_id=season.org_id, season_id=season.id, unavailable_dates=[])
        ctx.session.add(venue)
    for key, value in fields.items():
        if value is not None or key in ("latitude", "longitude"):
            setattr(venue, key, value)
    await ctx.session.flush()
    if renamed:
        await runs.mark_changed(ctx, season, venue_id=venue.id)
    await _audit(ctx, season, "venue.save", "league_venue", venue.id)
    return venue


async def save_team(
    ctx: Ctx, season: LeagueSeason, fields: dict[str, Any], team: LeagueTeam | None = None
) -> LeagueTeam:
    """Team members must belong to the organisation: they become attendees of its games."""
    await _check_venue(ctx, season, fields.get("venue_id"))
    if fields.get("member_ids"):
        fields["member_ids"] = list(dict.fromkeys(fields["member_ids"]))
        try:
            await calendar.ensure_members(ctx, org_id=season.org_id, user_ids=fields["member_ids"])
        except NotFound as exc:
            raise InvalidInput(exc.detail, field="member_ids") from None
    if fields.get("contact_emails"):
        fields["contact_emails"] = list(dict.fromkeys(str(e) for e in fields["contact_emails"]))
    existing = team is not None
    renamed = team is not None and fields.get("name") not in (None, team.name)
    if team is None:
        team = LeagueTeam(
            org_id=season.org_id, season_id=season.id, member_ids=[], contact_emails=[]
        )
        ctx.session.add(team)
    for key, value in fields.items():
        if value is not None or key == "venue_id":
            setattr(team, key, value)
    await ctx.session.flush()
    if existing and "venue_id" in fields:
        await runs.replace_games(ctx, season)  # its home games move to the new ground
    if renamed:
        await runs.mark_changed(ctx, season, team_id=team.id)
    await _audit(ctx, season, "team.save", "league_team", team.id)
    return team


async def save_rule(
    ctx: Ctx, season: LeagueSeason, fields: dict[str, Any], rule: LeagueRule | None = None
) -> LeagueRule:
    """Check every id the rule names; the rest of its meaning is the solver's (RULE_KINDS)."""
    teams = {t.id for t in await rows_of(ctx, LeagueTeam, season)}
    named = list(fields.get("teams") or []) + [fields[k] for k in ("home", "away") if fields.get(k)]
    unknown = [t for t in named if t not in teams]
    if unknown:
        raise InvalidInput(f"No team {unknown[0]!r} in this season.", field="teams")
    if fields.get("venue"):
        await _check_venue(ctx, season, fields["venue"])
    if any(s >= max(len(season.slots), 1) for s in fields.get("slots") or []):
        raise InvalidInput("A slot index is past the season's last slot.", field="slots")
    params = {k: fields.get(k) for k in ("teams", "slots", "value", "home", "away", "venue")}
    if rule is None:
        rule = LeagueRule(org_id=season.org_id, season_id=season.id)
        ctx.session.add(rule)
    rule.kind, rule.hard, rule.weight, rule.params = (
        fields["kind"],
        fields["hard"],
        fields["weight"],
        params,
    )
    await ctx.session.flush()
    await _audit(ctx, season, "rule.save", "league_rule", rule.id)
    return rule


async def delete_row(
    ctx: Ctx, season: LeagueSeason, row: LeagueTeam | LeagueVenue | LeagueRule
) -> None:
    """A deleted team's games go too (their calendar events are cancelled)."""
    if isinstance(row, LeagueTeam):
        await runs.drop_games(ctx, season, team_id=row.id)
    await _audit(ctx, season, f"{row.__tablename__}.delete", row.__tablename__, row.id)
    await ctx.session.delete(row)
    await ctx.session.flush()
