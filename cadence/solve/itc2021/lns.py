"""Large-neighbourhood search with CP-SAT: free a few teams or slots, fix every other game,
re-optimise the small model, keep the result if it is no worse.

Why: the full 16-team model is too large for CP-SAT on two cores to find even a first
schedule in minutes, but with most games fixed its presolve shrinks each sub-problem to a
size it solves to optimality in well under a second.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from cadence.solve.itc2021.cpsat import HARD_WEIGHT, Model
from cadence.solve.itc2021.evaluator import evaluate
from cadence.solve.itc2021.model import Game, Instance

Progress = Callable[[int, int, float], None]


class InconsistentResult(RuntimeError):
    """CP-SAT and the independent evaluator disagree on a schedule: a bug, never a result."""


def _cost(inst: Instance, games: list[Game]) -> tuple[int, int, int]:
    ev = evaluate(inst, games)
    return HARD_WEIGHT * ev.hard + ev.objective, ev.hard, ev.objective


def improve(
    inst: Instance,
    model: Model,
    games: list[Game],
    *,
    deadline: float,
    rng: random.Random,
    workers: int = 2,
    sub_time: float = 3.0,
    on_progress: Progress | None = None,
    start: float = 0.0,
) -> list[Game]:
    """Improve ``games`` until ``deadline`` (a ``time.perf_counter()`` value).

    ``model`` must be built with ``relax_hard=True`` and minimise ``model.objective()``.
    """
    n, ns = inst.n_teams, inst.n_slots
    best = list(games)
    best_cost, hard, objective = _cost(inst, best)
    while deadline - time.perf_counter() > 0.3:
        current = set(best)
        sub = model.m.clone()
        proto = sub.Proto()
        free_teams: set[int] = set()
        free_slots: set[int] = set()
        if rng.random() < 0.5:
            free_teams = set(rng.sample(range(n), min(n, rng.randint(5, 7))))
        else:
            pool = range(inst.half) if inst.phased and rng.random() < 0.5 else range(ns)
            if inst.phased and pool.stop == inst.half and rng.random() < 0.5:
                pool = range(inst.half, ns)
            free_slots = set(rng.sample(list(pool), min(len(pool), rng.randint(5, 8))))
        for key, var in model.x.items():
            chosen = key in current
            h, a, s = key
            if s in free_slots or (h in free_teams and a in free_teams):
                sub.add_hint(var, chosen)
            else:
                dom = proto.variables[var.index].domain
                dom[0] = dom[1] = int(chosen)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(
            0.1, min(sub_time, deadline - time.perf_counter())
        )
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = rng.randrange(1 << 30)
        code = solver.solve(sub)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        candidate = model.games(solver)
        cost, h, o = _cost(inst, candidate)
        if cost > round(solver.objective_value):
            # Deviation variables only over-estimate; a lower claim means a modelling bug.
            raise InconsistentResult(
                f"CP-SAT claims cost {solver.objective_value:g}, evaluator says {cost}"
            )
        if cost <= best_cost:
            improved = cost < best_cost
            best, best_cost, hard, objective = candidate, cost, h, o
            if improved and on_progress is not None:
                on_progress(hard, objective, time.perf_counter() - start)
    return best
