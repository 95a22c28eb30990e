"""The independent season evaluator: structure, every rule kind, travel.

It reads plain ``(home, away, slot)`` games and shares no code with the CP-SAT model, so a
modelling slip in the solver shows up as a disagreement instead of a wrong "hard = 0". The
app calls it after every manual edit, so it accepts broken schedules and reports everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from cadence.solve.season import rules_games, rules_pattern, travel
from cadence.solve.season.distances import season_distances
from cadence.solve.season.findings import Finding
from cadence.solve.season.model import Game, Rule, Season, SeasonEvaluation, Violation
from cadence.solve.season.structure import structure_errors
from cadence.solve.season.validate import check_season
from cadence.solve.season.view import ScheduleView

Check = Callable[[Season, Rule, ScheduleView], list[Finding]]

CHECKS: dict[str, Check] = {
    "max_consecutive_home": lambda s, r, v: rules_pattern.consecutive(s, r, v, True),
    "max_consecutive_away": lambda s, r, v: rules_pattern.consecutive(s, r, v, False),
    "no_repeaters": rules_pattern.repeaters,
    "max_breaks_per_team": rules_pattern.breaks_per_team,
    "max_breaks_total": rules_pattern.breaks_total,
    "home_away_balance": rules_pattern.balance,
    "fixed_game": rules_games.fixed,
    "forbidden_game": rules_games.forbidden,
    "team_unavailable": rules_games.team_unavailable,
    "venue_unavailable": rules_games.venue_unavailable,
    "min_gap_between_meetings": rules_games.min_gap,
    "min_rest_days": rules_games.rest_days,
}
TRAVEL_CHECKS: dict[str, Callable[[Season, Rule, list[int]], list[Finding]]] = {
    "travel_total": travel.total,
    "travel_fairness": travel.fairness,
}


def evaluate_season(season: Season, games: Iterable[Game]) -> SeasonEvaluation:
    """Hard violation (structure errors + hard amounts), soft cost (weight x amount), the
    violations one by one, and each team's travel."""
    check_season(season)
    view = ScheduleView(season, games)
    distances = season_distances(season)
    km = [travel.team_travel(view, t, distances) for t in range(view.n)]
    errors = structure_errors(season, view)
    violations: list[Violation] = []
    for i, rule in enumerate(season.rules):
        if rule.kind in TRAVEL_CHECKS:
            findings = TRAVEL_CHECKS[rule.kind](season, rule, km)
        else:
            findings = CHECKS[rule.kind](season, rule, view)
        violations += [
            Violation(
                rule=i,
                hard=rule.hard,
                amount=f.amount,
                cost=0 if rule.hard else rule.weight * f.amount,
                detail=f.detail,
                games=f.games,
            )
            for f in findings
            if f.amount > 0
        ]
    return SeasonEvaluation(
        hard=len(errors) + sum(v.amount for v in violations if v.hard),
        cost=sum(v.cost for v in violations),
        violations=tuple(violations),
        travel=tuple(km),
        structure_errors=tuple(errors),
    )
