"""League seasons: the product's rule model, an independent evaluator and the solver.

Public interface (used by the ``leagues`` app)::

    evaluate_season(season, games) -> SeasonEvaluation
    solve_season(season, *, time_limit, seed=0, on_progress=None, should_stop=None) -> SeasonResult
    distances_from_coordinates(season) -> tuple[tuple[int, ...], ...]
"""

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

__all__ = [
    "RULE_KINDS",
    "Game",
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
]
