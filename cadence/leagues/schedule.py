"""The season's schedule as people read it, and manual edits checked by the evaluator.

Every view and every edit goes through the engine's independent evaluator
(`evaluate_season`), so what the grid shows as broken is exactly what the solver would
count. An edit is evaluated before and after; "what breaks" is the set of violations the
schedule did not have before. Nothing is saved unless the caller asks (`persist`), which is
what lets the grid validate a drag while it hovers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cadence.audit import service as audit
from cadence.context import Ctx
from cadence.errors import InvalidInput, NotFound
from cadence.leagues import build, runs, solver
from cadence.leagues.models import LeagueGame, LeagueSeason
from cadence.leagues.slots import from_text
from cadence.solve.season import Game, SeasonEvaluation, Violation


@dataclass(frozen=True)
class ViolationView:
    rule_id: str | None
    label: str
    hard: bool
    amount: int
    cost: int
    detail: str
    game_ids: list[str]

    @property
    def key(self) -> tuple[str | None, str, str]:
        return (self.rule_id, self.label, self.detail)


@dataclass(frozen=True)
class Cell:
    game_id: str
    opponent_id: str
    home: bool


@dataclass(frozen=True)
class Round:
    slot: int
    starts_at: datetime | None
    games: list[LeagueGame]
    cells: list[Cell | None]


@dataclass(frozen=True)
class Schedule:
    built: build.Built
    games: list[LeagueGame]
    rounds: list[Round]
    evaluation: SeasonEvaluation
    violations: list[ViolationView]

    @property
    def travel(self) -> list[tuple[str, int]]:
        return [
            (t.id, self.evaluation.travel[i] if i < len(self.evaluation.travel) else 0)
            for i, t in enumerate(self.built.teams)
        ]


def violations_of(
    built: build.Built, evaluation: SeasonEvaluation, games: list[LeagueGame], tuples: list[Game]
) -> list[ViolationView]:
    by_tuple: dict[Game, str] = {g: row.id for g, row in zip(tuples, games, strict=True)}
    out = []
    for v in evaluation.violations:
        out.append(_view(built, v, by_tuple))
    for error in evaluation.structure_errors:
        out.append(ViolationView(None, "round robin", True, 1, 0, error, []))
    return out


def _view(built: build.Built, v: Violation, by_tuple: dict[Game, str]) -> ViolationView:
    ok = 0 <= v.rule < len(built.rule_ids)
    return ViolationView(
        rule_id=built.rule_ids[v.rule] if ok else None,
        label=built.rule_labels[v.rule] if ok else "rule",
        hard=v.hard,
        amount=v.amount,
        cost=v.cost,
        detail=v.detail,
        game_ids=[by_tuple[g] for g in v.games if g in by_tuple],
    )


def _rounds(built: build.Built, games: list[LeagueGame]) -> list[Round]:
    instants = from_text(built.season.slots)
    last = max([len(instants) - 1] + [g.slot for g in games])
    index = built.team_index()
    out = []
    for slot in range(last + 1):
        here = [g for g in games if g.slot == slot]
        cells: list[Cell | None] = [None] * len(built.teams)
        for g in here:
            if g.home_team_id in index:
                cells[index[g.home_team_id]] = Cell(g.id, g.away_team_id, True)
            if g.away_team_id in index:
                cells[index[g.away_team_id]] = Cell(g.id, g.home_team_id, False)
        starts = instants[slot] if slot < len(instants) else None
        out.append(Round(slot, starts, here, cells))
    return out


async def schedule_of(ctx: Ctx, season: LeagueSeason) -> Schedule:
    built = await build.load(ctx, season)
    games = await runs.games_of(ctx, season)
    tuples = [built.game_of(g) for g in games]
    evaluation = solver.evaluate(built.model, tuples)
    return Schedule(
        built,
        games,
        _rounds(built, games),
        evaluation,
        violations_of(built, evaluation, games, tuples),
    )


@dataclass(frozen=True)
class Edit:
    evaluation: SeasonEvaluation
    violations: list[ViolationView]
    new: list[ViolationView]
    resolved: list[ViolationView]
    changed: list[LeagueGame]
    persisted: bool


def _index_of(games: list[LeagueGame], game_id: str) -> int:
    for i, g in enumerate(games):
        if g.id == game_id:
            return i
    raise NotFound("No such game in this season.")


async def edit(
    ctx: Ctx,
    season: LeagueSeason,
    *,
    game_id: str,
    slot: int | None = None,
    other_game_id: str | None = None,
    persist: bool,
) -> Edit:
    """Move a game to `slot`, or swap its slot with `other_game_id`'s; evaluate; maybe save."""
    current = await schedule_of(ctx, season)
    built, games = current.built, current.games
    tuples = tuple(built.game_of(g) for g in games)
    i = _index_of(games, game_id)
    if other_game_id is not None:
        j = _index_of(games, other_game_id)
        after = solver.swap(tuples, i, j)
        touched = [i, j]
    else:
        if slot is None or slot >= len(season.slots):
            raise InvalidInput("No such slot in this season.", field="slot")
        after = solver.move(tuples, i, slot)
        touched = [i]
    evaluation = solver.evaluate(built.model, after)
    views = violations_of(built, evaluation, games, list(after))
    before_keys = {v.key for v in current.violations}
    after_keys = {v.key for v in views}
    teams = {t.id: t for t in built.teams}
    instants = from_text(season.slots)
    changed = []
    for k in touched:
        game = games[k] if persist else _copy(games[k])
        if runs.place(game, after[k][2], instants, teams) and persist:
            game.dirty = True
            game.updated_at = ctx.now()
        changed.append(game)
    if persist:
        await ctx.session.flush()
        await audit.record(
            ctx,
            org_id=season.org_id,
            action="league.game.move",
            target_type="league_game",
            target_id=game_id,
            after={"slots": {games[k].id: after[k][2] for k in touched}},
        )
        await runs.schedule_changed(ctx, season, "edited")
    return Edit(
        evaluation,
        views,
        [v for v in views if v.key not in before_keys],
        [v for v in current.violations if v.key not in after_keys],
        changed,
        persist,
    )


def _copy(game: LeagueGame) -> LeagueGame:
    """A detached look-alike, so a dry run never touches the session's rows."""
    return LeagueGame(
        id=game.id,
        org_id=game.org_id,
        season_id=game.season_id,
        slot=game.slot,
        home_team_id=game.home_team_id,
        away_team_id=game.away_team_id,
        venue_id=game.venue_id,
        starts_at=game.starts_at,
        event_id=game.event_id,
        dirty=game.dirty,
        updated_at=game.updated_at,
    )
