"""Rows and evaluations shaped as API responses (shared by the API and the pages)."""

from __future__ import annotations

from cadence.leagues.models import LeagueGame, LeagueRule, LeagueRun
from cadence.leagues.schedule import Edit, Schedule, ViolationView
from cadence.leagues.schemas import (
    CellOut,
    EditOut,
    GameOut,
    RoundOut,
    RuleOut,
    RunOut,
    ScheduleOut,
    TeamRefOut,
    TravelOut,
    ViolationOut,
)


def rule_out(rule: LeagueRule) -> RuleOut:
    p = rule.params or {}
    return RuleOut(
        id=rule.id,
        season_id=rule.season_id,
        kind=rule.kind,
        hard=rule.hard,
        weight=rule.weight,
        teams=list(p.get("teams") or []),
        slots=list(p.get("slots") or []),
        value=int(p.get("value") or 0),
        home=p.get("home"),
        away=p.get("away"),
        venue=p.get("venue"),
    )


def run_out(run: LeagueRun) -> RunOut:
    return RunOut(
        id=run.id,
        season_id=run.season_id,
        status=run.status,
        seed=run.seed,
        time_limit=run.time_limit,
        best_hard=run.best_hard,
        best_cost=run.best_cost,
        elapsed=run.elapsed,
        error=run.error,
        games=len(run.games) if run.games is not None else None,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        applied_at=run.applied_at,
    )


def game_out(game: LeagueGame) -> GameOut:
    return GameOut.model_validate(game)


def violation_out(v: ViolationView) -> ViolationOut:
    return ViolationOut(
        rule_id=v.rule_id,
        label=v.label,
        hard=v.hard,
        amount=v.amount,
        cost=v.cost,
        detail=v.detail,
        game_ids=v.game_ids,
    )


def schedule_out(s: Schedule) -> ScheduleOut:
    return ScheduleOut(
        season_id=s.built.season.id,
        teams=[TeamRefOut(id=t.id, name=t.name) for t in s.built.teams],
        rounds=[
            RoundOut(
                slot=r.slot,
                starts_at=r.starts_at,
                games=[game_out(g) for g in r.games],
                cells=[
                    CellOut(game_id=c.game_id, opponent_id=c.opponent_id, home=c.home)
                    if c
                    else None
                    for c in r.cells
                ],
            )
            for r in s.rounds
        ],
        travel=[TravelOut(team_id=t, distance=d) for t, d in s.travel],
        hard=s.evaluation.hard,
        cost=s.evaluation.cost,
        structure_errors=list(s.evaluation.structure_errors),
        violations=[violation_out(v) for v in s.violations],
    )


def edit_out(e: Edit) -> EditOut:
    return EditOut(
        hard=e.evaluation.hard,
        cost=e.evaluation.cost,
        structure_errors=list(e.evaluation.structure_errors),
        violations=[violation_out(v) for v in e.violations],
        new_violations=[violation_out(v) for v in e.new],
        resolved_violations=[violation_out(v) for v in e.resolved],
        persisted=e.persisted,
        games=[game_out(g) for g in e.changed],
    )
