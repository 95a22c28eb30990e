"""The only place the leagues app calls the season engine (`cadence.solve.season`).

Kept to two thin functions so the app depends on exactly the engine's public interface:
`solve` (run in a worker thread by `jobs.py`) and `evaluate` (the independent evaluator,
used for the schedule view and for validating manual edits).
"""

from __future__ import annotations

from collections.abc import Callable

from cadence.errors import Conflict
from cadence.solve import season as engine
from cadence.solve.season import Game, Season, SeasonEvaluation, SeasonProgress, SeasonResult


def solve(
    model: Season,
    *,
    time_limit: float,
    seed: int,
    on_progress: Callable[[SeasonProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> SeasonResult:
    return engine.solve_season(
        model,
        time_limit=time_limit,
        seed=seed,
        on_progress=on_progress,
        should_stop=should_stop,
    )


class SeasonNotReady(Conflict):
    slug = "season-not-ready"
    title = "Season not ready"


def evaluate(model: Season, games: list[Game] | tuple[Game, ...]) -> SeasonEvaluation:
    """The engine's verdict; a season it cannot judge yet (one team, a rule naming the same
    team twice, ...) answers 409 with what to fix instead of failing."""
    problems = engine.season_problems(model)
    if problems:
        raise SeasonNotReady("The season cannot be checked yet: " + "; ".join(problems) + ".")
    return engine.evaluate_season(model, tuple(games))


def move(games: tuple[Game, ...], index: int, slot: int) -> tuple[Game, ...]:
    return tuple(engine.move_game(games, index, slot))


def swap(games: tuple[Game, ...], i: int, j: int) -> tuple[Game, ...]:
    return tuple(engine.swap_games(games, i, j))
