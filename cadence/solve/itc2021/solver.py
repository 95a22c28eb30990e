"""ITC2021 search: a home/away-pattern-first construction (:mod:`.hap`), a CP-SAT attempt on
the full model if that fails, then CP-SAT LNS from the best schedule so far: with every hard
rule kept hard once a feasible schedule is known, priced high otherwise.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from cadence.solve.itc2021.cpsat import Model
from cadence.solve.itc2021.evaluator import Evaluation, evaluate
from cadence.solve.itc2021.hap import construct, fix_pattern
from cadence.solve.itc2021.lns import InconsistentResult, improve
from cadence.solve.itc2021.model import Game, Instance
from cadence.solve.itc2021.roundrobin import circle_double_round_robin

__all__ = ["ITC2021Result", "InconsistentResult", "solve_itc2021"]

Progress = Callable[[int, int, float], None]
"""Called with (hard violations, objective, elapsed seconds) of the best schedule so far."""


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


def _solver(seconds: float, seed: int, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    return solver


def _cost(inst: Instance, games: list[Game]) -> tuple[int, int]:
    ev = evaluate(inst, games)
    return ev.hard, ev.objective


def _report(inst: Instance, games: list[Game], on_progress: Progress | None, start: float) -> None:
    if on_progress is not None:
        ev = evaluate(inst, games)
        on_progress(ev.hard, ev.objective, time.perf_counter() - start)


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

    rng = random.Random(seed)
    best = circle_double_round_robin(inst.n_teams)
    status = "fallback"
    if on_progress is not None:
        ev = evaluate(inst, best)
        on_progress(ev.hard, ev.objective, time.perf_counter() - start)
    feasible = False
    full: Model | None = None
    if left() > 2.0:
        # Phase 1: patterns first, then opponents.
        built = construct(
            inst, deadline=min(deadline, start + time_limit * 0.6), seed=seed, workers=workers
        )
        if built is not None:
            best, hap = built
            status, feasible = "pattern", True
            _report(inst, best, on_progress, start)
            if left() > 4.0:
                # Phase 1c: keep the pattern, choose opponents for the soft rules too.
                full = Model(inst)
                full.m.minimize(full.objective())
                sub = fix_pattern(full, hap, hint=best)
                solver = _solver(min(left() * 0.3, 40.0), seed, workers)
                code = solver.solve(sub)
                if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                    games = full.games(solver)
                    if _cost(inst, games) <= _cost(inst, best):
                        best = games
                        _report(inst, best, on_progress, start)
    if not feasible and left() > 2.0:
        # Phase 1b: a short pure-feasibility attempt on the full model.
        model = Model(inst)
        solver = _solver(min(left() * 0.25, 60.0), seed, workers)
        code = solver.solve(model.m)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best, status, feasible = model.games(solver), "feasible", True
            _report(inst, best, on_progress, start)
    if left() > 2.0:
        # Phase 2: LNS from the best so far. A known feasible schedule keeps the hard rules
        # hard (a sub-problem always has the current schedule as a solution); otherwise they
        # are priced high so that the search can walk towards feasibility.
        if full is None or not feasible:
            full = Model(inst, relax_hard=not feasible)
            full.m.minimize(full.objective())
        best = improve(
            inst,
            full,
            best,
            deadline=deadline,
            rng=rng,
            workers=workers,
            on_progress=on_progress,
            start=start,
        )
        status += "+lns"
    evaluation = evaluate(inst, best)
    if evaluation.structure:
        raise InconsistentResult(
            f"solver returned a malformed schedule: {evaluation.structure[:3]}"
        )
    return ITC2021Result(
        games=sorted(best, key=lambda g: (g[2], g[0])),
        evaluation=evaluation,
        elapsed=time.perf_counter() - start,
        status=status,
    )
