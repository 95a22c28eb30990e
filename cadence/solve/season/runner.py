"""One CP-SAT run that the caller can interrupt, and that is reproducible when it is not.

Why a thread: CP-SAT only hands control back on a solution, and a long first search may find
none for seconds; polling ``should_stop`` from the caller's thread every few milliseconds and
calling ``stop_search`` keeps cancellation prompt. Every user callback runs on the caller's
thread. Why one worker and a deterministic time limit: with those CP-SAT's search is the same
on every run with the same seed; the wall-clock limit is only a guard.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

POLL_SECONDS = 0.02


@dataclass(frozen=True)
class Run:
    status: cp_model.CpSolverStatus
    solver: cp_model.CpSolver
    interrupted: bool
    """Stopped by ``tick`` (cancellation) or by the wall clock before its deterministic limit:
    the outcome then depends on timing, not only on the seed."""

    @property
    def found(self) -> bool:
        return self.status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


class _Solutions(cp_model.CpSolverSolutionCallback):
    def __init__(self, on_solution: Callable[[cp_model.CpSolverSolutionCallback], None]) -> None:
        super().__init__()
        self.on_solution = on_solution

    def on_solution_callback(self) -> None:
        self.on_solution(self)


def run(
    model: cp_model.CpModel,
    *,
    det_limit: float,
    wall_limit: float,
    seed: int,
    tick: Callable[[], bool] | None = None,
    on_solution: Callable[[cp_model.CpSolverSolutionCallback], None] | None = None,
) -> Run:
    """Solve ``model``; ``tick`` is called on this thread while CP-SAT works and stops the run
    by returning True; ``on_solution`` runs on CP-SAT's thread (keep it to recording)."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = 1
    p.random_seed = seed
    p.max_deterministic_time = max(0.01, det_limit)
    p.max_time_in_seconds = max(0.05, wall_limit)
    callback = _Solutions(on_solution) if on_solution is not None else None
    outcome: list[cp_model.CpSolverStatus] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            outcome.append(solver.solve(model, callback))
        except BaseException as exc:  # re-raised on the caller's thread below
            errors.append(exc)

    stopped = False
    thread = threading.Thread(target=work, name="cp-sat", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(POLL_SECONDS)
            if tick is not None and not stopped and tick():
                solver.stop_search()
                stopped = True
    finally:  # a failing callback must not leave CP-SAT running behind the caller's back
        if thread.is_alive():
            solver.stop_search()
            thread.join()
    if errors:
        raise errors[0]
    status = outcome[0]
    cut = status not in (cp_model.OPTIMAL, cp_model.INFEASIBLE) and (
        solver.deterministic_time < 0.98 * p.max_deterministic_time
    )
    return Run(status=status, solver=solver, interrupted=stopped or cut)
