"""From the season's rows to the solver's pure model (`cadence.solve.season.Season`) and back.

Rows name teams and venues by id; the solver speaks 0-based positions. `Built` keeps both
directions, and which solver rule came from which row: venue closures are not rules the
organiser typed but dates on a ground, so they become extra hard `venue_unavailable` rules
appended after the organiser's own (their `rule_ids` entry is None, their label says why).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import select

from cadence.context import Ctx
from cadence.leagues.models import LeagueGame, LeagueRule, LeagueSeason, LeagueTeam, LeagueVenue
from cadence.leagues.slots import from_text
from cadence.solve.season import Game, Rule, RuleKind, Season, Slot, Team, Venue


@dataclass(frozen=True)
class Built:
    season: LeagueSeason
    teams: list[LeagueTeam]
    venues: list[LeagueVenue]
    rules: list[LeagueRule]
    model: Season
    rule_ids: list[str | None]
    rule_labels: list[str]

    def team_index(self) -> dict[str, int]:
        return {t.id: i for i, t in enumerate(self.teams)}

    def game_of(self, row: LeagueGame) -> Game:
        index = self.team_index()
        return (index[row.home_team_id], index[row.away_team_id], row.slot)


def _ids(values: Any) -> list[str]:
    return [str(v) for v in values] if isinstance(values, list) else []


def _rule(row: LeagueRule, team_at: dict[str, int], venue_at: dict[str, int]) -> Rule:
    p = row.params or {}
    teams = tuple(team_at[t] for t in _ids(p.get("teams")) if t in team_at)
    home, away, venue = p.get("home"), p.get("away"), p.get("venue")
    return Rule(
        kind=cast(RuleKind, row.kind),
        hard=row.hard,
        weight=row.weight,
        teams=teams,
        slots=tuple(int(s) for s in p.get("slots") or []),
        value=int(p.get("value") or 0),
        home=team_at.get(str(home)) if home is not None else None,
        away=team_at.get(str(away)) if away is not None else None,
        venue=venue_at.get(str(venue)) if venue is not None else None,
    )


def _closures(season: LeagueSeason, venues: list[LeagueVenue]) -> list[tuple[str, Rule]]:
    """A hard rule per ground closed on one or more slot dates (in the season's zone)."""
    zone = ZoneInfo(season.timezone)
    days = [s.astimezone(zone).date() for s in from_text(season.slots)]
    out = []
    for v_index, venue in enumerate(venues):
        closed = {date.fromisoformat(d) for d in venue.unavailable_dates or []}
        hit = tuple(i for i, d in enumerate(days) if d in closed)
        if hit:
            rule = Rule(kind="venue_unavailable", hard=True, venue=v_index, slots=hit)
            out.append((f"{venue.name} unavailable", rule))
    return out


async def load(ctx: Ctx, season: LeagueSeason) -> Built:
    """Every row the solver needs, in a stable order (creation order: ids sort by time)."""

    async def rows(model: type[Any]) -> list[Any]:
        query = select(model).where(model.org_id == season.org_id, model.season_id == season.id)
        return list((await ctx.session.scalars(query.order_by(model.id))).all())

    teams: list[LeagueTeam] = await rows(LeagueTeam)
    venues: list[LeagueVenue] = await rows(LeagueVenue)
    rules: list[LeagueRule] = await rows(LeagueRule)
    return build(season, teams, venues, rules)


def build(
    season: LeagueSeason,
    teams: list[LeagueTeam],
    venues: list[LeagueVenue],
    rules: list[LeagueRule],
) -> Built:
    team_at = {t.id: i for i, t in enumerate(teams)}
    venue_at = {v.id: i for i, v in enumerate(venues)}
    solver_rules = [_rule(r, team_at, venue_at) for r in rules]
    rule_ids: list[str | None] = [r.id for r in rules]
    labels = [r.kind.replace("_", " ") for r in rules]
    for label, rule in _closures(season, venues):
        solver_rules.append(rule)
        rule_ids.append(None)
        labels.append(label)
    model = Season(
        teams=tuple(Team(t.name, venue_at.get(t.venue_id or "")) for t in teams),
        slots=tuple(Slot(s) for s in from_text(season.slots)),
        venues=tuple(Venue(v.name, v.latitude, v.longitude) for v in venues),
        double_round_robin=season.format == "double",
        phased=season.phased,
        mirrored=season.mirrored,
        rules=tuple(solver_rules),
    )
    return Built(season, teams, venues, rules, model, rule_ids, labels)
