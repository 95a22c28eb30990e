"""The state of one solver run: the best schedule so far, the deterministic budget, the
clock guard, cancellation and progress.

Every schedule CP-SAT hands back is priced by the model *and* by the independent evaluator
before it is accepted; a disagreement raises :class:`InconsistentResult` at once, next to
the step that caused it, instead of surfacing as a wrong "hard = 0" at the end.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from cadence.solve.season import runner
from cadence.solve.season.cpsat import SeasonModel
from cadence.solve.season.evaluator import evaluate_season
from cadence.solve.season.model import Game, Season, SeasonEvaluation, SeasonProgress
from cadence.solve.season.progress import Reporter

STEP_CHARGE = 0.03
"""Deterministic seconds charged per CP-SAT call for the Python work around it (cloning the
model, evaluating the result), so a run of many tiny steps still ends."""


class InconsistentResult(RuntimeError):
    """The model's own count and the independent evaluator disagree: a bug, never a result."""


@dataclass(frozen=True)
class Best:
    games: list[Game]
    hard: int
    cost: int
    hard_games: tuple[Game, ...] = ()
    """Games named by hard violations: where the search should look first."""


class Search:
    def __init__(
        self,
        season: Season,
        *,
        budget: float,
        deadline: float,
        seed: int,
        on_progress: Callable[[SeasonProgress], None] | None,
        should_stop: Callable[[], bool] | None,
    ) -> None:
        self.season = season
        self.start = time.perf_counter()
        self.budget = budget
        self.deadline = deadline
        self.used = 0.0
        self.rng = random.Random(seed)
        self.reporter = Reporter(on_progress, self.start)
        self.should_stop = should_stop
        self.cancelled = False
        self.reproducible = True
        self.best: Best | None = None
        self.fallback: list[Game] | None = None
        """A schedule meeting the hard rules that CP-SAT had no time left to price."""
        self._seen: tuple[int, int] | None = None

    # -- budget and cancellation -------------------------------------------------------------

    def left(self) -> float:
        """Deterministic seconds left (0 once the wall-clock guard has fired)."""
        if time.perf_counter() >= self.deadline:
            return 0.0
        return max(0.0, self.budget - self.used)

    def tick(self) -> bool:
        """Called every few milliseconds during a CP-SAT run and between runs."""
        seen = self._seen
        if seen is not None:
            self.reporter.improved(*seen)
        now = time.perf_counter()
        clock = (now - self.start) / max(1e-9, self.deadline - self.start)
        self.reporter.done = min(1.0, max(self.used / self.budget, clock))
        self.reporter.flush()
        if not self.cancelled and self.should_stop is not None and self.should_stop():
            self.cancelled = True
        return self.cancelled

    def over(self) -> bool:
        """Cancelled, budget spent, or the wall-clock guard fired (which makes the run
        depend on timing, so it is no longer reproducible)."""
        if self.tick():
            return True
        if time.perf_counter() >= self.deadline and self.used < self.budget:
            self.reproducible = False
        return self.left() <= 0.0

    # -- solving -----------------------------------------------------------------------------

    def solve(
        self, model: cp_model.CpModel, det: float, *, prices: SeasonModel | None = None
    ) -> runner.Run | None:
        """One CP-SAT run within the budget, or None when the budget, the clock or the caller
        says stop. ``prices``: the season model ``model`` was cloned from, if its solutions
        are priced in full and may be passed on as progress."""
        det = min(det, self.left())
        if self.over() or det <= 0.0:
            return None
        self._seen = None

        def record(cb: cp_model.CpSolverSolutionCallback) -> None:
            if prices is not None:
                self._seen = (cb.value(prices.hard_total), cb.value(prices.soft_total))

        run = runner.run(
            model,
            det_limit=det,
            wall_limit=self.deadline - time.perf_counter(),
            seed=self.rng.randrange(1 << 30),
            tick=self.tick,
            on_solution=record if prices is not None and self.reporter.on_progress else None,
        )
        self._seen = None
        self.used += run.solver.deterministic_time + STEP_CHARGE
        if run.interrupted and not self.cancelled:
            self.reproducible = False
        return run

    def offer(self, games: list[Game], evaluation: SeasonEvaluation) -> None:
        """A strictly better schedule found and priced by the evaluator (local search)."""
        culprits = tuple(g for v in evaluation.violations if v.hard for g in v.games)
        self.best = Best(list(games), evaluation.hard, evaluation.cost, culprits)
        self.reporter.improved(evaluation.hard, evaluation.cost)

    def accept(self, sm: SeasonModel, run: runner.Run) -> bool:
        """Take the run's schedule if it is no worse than the best; True if it is better."""
        if not run.found:
            return False
        hard, cost = sm.totals(run.solver)
        best = self.best
        if best is not None and (hard, cost) > (best.hard, best.cost):
            return False
        games = sorted(sm.games(run.solver), key=lambda g: (g[2], g[0]))
        check = evaluate_season(self.season, games)
        if check.structure_errors or (check.hard, check.cost) != (hard, cost):
            raise InconsistentResult(
                f"model counts hard={hard} cost={cost}, evaluator hard={check.hard} "
                f"cost={check.cost} ({(check.structure_errors or ('no structure error',))[0]})"
            )
        culprits = tuple(g for v in check.violations if v.hard for g in v.games)
        self.best = Best(games, hard, cost, culprits)
        improved = best is None or (hard, cost) < (best.hard, best.cost)
        if improved:
            self.reporter.improved(hard, cost)
        return improved
