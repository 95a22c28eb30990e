"""League seasons: the product's rule model, an independent evaluator and the solver.

Public interface (used by the ``leagues`` app)::

    evaluate_season(season, games) -> SeasonEvaluation
    solve_season(season, *, time_limit, seed=0, on_progress=None, should_stop=None,
                 work_limit=None) -> SeasonResult
    distances_from_coordinates(season) -> tuple[tuple[int, ...], ...]
    season_problems(season) -> tuple[str, ...]          # rules that cannot be evaluated
    move_game / swap_games / swap_home_away              # manual edits, pure
"""

from cadence.solve.season.distances import distances_from_coordinates, season_distances
from cadence.solve.season.edits import move_game, swap_games, swap_home_away
from cadence.solve.season.evaluator import evaluate_season
from cadence.solve.season.model import (
    RULE_KINDS,
    Game,
    Rule,
    RuleKind,
    Season,
    SeasonEvaluation,
    SeasonProgress,
    SeasonResult,
    Slot,
    Team,
    Venue,
    Violation,
)
from cadence.solve.season.search import InconsistentResult
from cadence.solve.season.solver import solve_season
from cadence.solve.season.validate import season_problems

__all__ = [
    "RULE_KINDS",
    "Game",
    "InconsistentResult",
    "Rule",
    "RuleKind",
    "Season",
    "SeasonEvaluation",
    "SeasonProgress",
    "SeasonResult",
    "Slot",
    "Team",
    "Venue",
    "Violation",
    "distances_from_coordinates",
    "evaluate_season",
    "move_game",
    "season_distances",
    "season_problems",
    "solve_season",
    "swap_games",
    "swap_home_away",
]
