"""Entry point the product and the CLI call: anneal, then prove the result with the evaluator."""

from __future__ import annotations

import time
from dataclasses import dataclass

from cadence.solve.ttp.anneal import Annealer, Progress
from cadence.solve.ttp.evaluator import TTPEvaluation, evaluate
from cadence.solve.ttp.model import Rounds, TTPInstance


class InconsistentResult(RuntimeError):
    """The solver's own bookkeeping disagrees with the independent evaluator: a bug, never
    a schedule to publish."""


class NoFeasibleSchedule(RuntimeError):
    """No schedule meeting every hard rule was found within the time limit."""


@dataclass(frozen=True)
class TTPResult:
    rounds: Rounds
    distance: int
    evaluation: TTPEvaluation
    iterations: int
    elapsed: float


def solve_ttp(
    instance: TTPInstance,
    *,
    time_limit: float,
    seed: int = 0,
    max_iterations: int | None = None,
    on_progress: Progress | None = None,
) -> TTPResult:
    """Best schedule found within ``time_limit`` seconds (wall clock, from this call).

    With ``max_iterations`` set and a generous time limit the run is fully reproducible for a
    given seed; with a time limit only, the same seed replays the same trajectory and the
    result differs only by how far that trajectory got.
    """
    start = time.perf_counter()
    # Keep a little headroom for the final evaluation and the caller's output.
    deadline = start + max(0.05, time_limit * 0.97 - 0.05)
    annealer = Annealer(instance, seed)
    rounds, distance = annealer.run(deadline, max_iterations, on_progress)
    if rounds is None or distance is None:
        raise NoFeasibleSchedule(f"no feasible schedule within {time_limit:g} s")
    check = evaluate(instance, rounds)
    if not check.feasible or check.distance != distance:
        raise InconsistentResult(
            f"solver claims distance {distance}, evaluator says {check.distance} "
            f"with violations {check.violations[:5]}"
        )
    return TTPResult(
        rounds=rounds,
        distance=distance,
        evaluation=check,
        iterations=annealer.stats.iterations,
        elapsed=time.perf_counter() - start,
    )
