"""ITC2021 search: CP-SAT finds a schedule meeting the hard constraints, then minimises the
soft penalties from that point (solution hint) until the time limit.

Feasibility first because the competition instances are tightly constrained: asking CP-SAT
for feasibility alone finds a first schedule much sooner than optimising from scratch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from cadence.solve.itc2021.cpsat import Model
from cadence.solve.itc2021.evaluator import Evaluation, evaluate
from cadence.solve.itc2021.model import Game, Instance
from cadence.solve.itc2021.roundrobin import circle_double_round_robin

Progress = Callable[[int, int, float], None]
"""Called with (hard violations, objective, elapsed seconds) of the best schedule so far."""


class InconsistentResult(RuntimeError):
    """CP-SAT's claimed objective disagrees with the independent evaluator: a bug."""


@dataclass(frozen=True)
class ITC2021Result:
    games: list[Game]
    evaluation: Evaluation
    elapsed: float
    status: str

    @property
    def hard(self) -> int:
        return self.evaluation.hard

    @property
    def objective(self) -> int:
        return self.evaluation.objective


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, start: float, on_progress: Progress | None) -> None:
        super().__init__()
        self.start = start
        self.on_progress = on_progress

    def on_solution_callback(self) -> None:
        if self.on_progress is not None:
            self.on_progress(0, round(self.objective_value), time.perf_counter() - self.start)


def _solver(seconds: float, seed: int, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    return solver


def solve_itc2021(
    inst: Instance,
    *,
    time_limit: float,
    seed: int = 0,
    workers: int = 2,
    on_progress: Progress | None = None,
) -> ITC2021Result:
    """Best schedule found within ``time_limit`` seconds, re-checked by the evaluator."""
    start = time.perf_counter()
    deadline = start + time_limit * 0.95 - 0.5

    def left() -> float:
        return deadline - time.perf_counter()

    fallback = circle_double_round_robin(inst.n_teams)
    best = fallback
    status = "fallback"
    if on_progress is not None:
        ev = evaluate(inst, fallback)
        on_progress(ev.hard, ev.objective, time.perf_counter() - start)
    if left() > 1.0:
        model = Model(inst)
        # Phase 1: hard constraints only.
        solver = _solver(left() * 0.6, seed, workers)
        code = solver.solve(model.m)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best = model.games(solver)
            status = "feasible"
            if on_progress is not None:
                ev = evaluate(inst, best)
                on_progress(ev.hard, ev.objective, time.perf_counter() - start)
            # Phase 2: minimise the soft penalties from there.
            if left() > 1.0 and model.penalties:
                model.hint(best)
                model.m.minimize(model.objective())
                solver = _solver(left(), seed, workers)
                code = solver.solve(model.m, _Reporter(start, on_progress))
                if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                    best = model.games(solver)
                    status = "optimal" if code == cp_model.OPTIMAL else "improved"
                    claimed = round(solver.objective_value)
                    check = evaluate(inst, best)
                    if check.hard or check.objective > claimed:
                        raise InconsistentResult(
                            f"CP-SAT claims objective {claimed} with no hard violation, "
                            f"evaluator says hard={check.hard} objective={check.objective}"
                        )
    evaluation = evaluate(inst, best)
    if evaluation.structure and best is not fallback:
        raise InconsistentResult(f"solver returned a malformed schedule: {evaluation.structure[:3]}")
    return ITC2021Result(
        games=sorted(best, key=lambda g: (g[2], g[0])),
        evaluation=evaluation,
        elapsed=time.perf_counter() - start,
        status=status,
    )
