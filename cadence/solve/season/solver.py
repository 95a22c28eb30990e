"""``solve_season``: a first schedule meeting the hard rules, then CP-SAT large-neighbourhood
search from the best schedule so far (decision 0010).

1. Construction, on the model without soft travel (travel cannot make a schedule infeasible,
   and its tables make the first find ten times slower): a short direct CP-SAT attempt
   (enough for small leagues), then "timetable first, venues second": a circle-method
   timetable with random relabelling and round order, whose home/away choices CP-SAT makes.
2. On up to six teams, the whole model with every soft rule, hinted with that schedule (it
   often ends proven optimal).
3. If no schedule meets the hard rules, the relaxed model prices them above any soft cost
   and starts from the circle schedule, so the caller always gets a complete schedule with
   the smallest hard violation found; LNS moves to the strict model once hard = 0.
4. Simulated annealing (``anneal.py``, decision 0018) for a share of the budget, then LNS
   until the deterministic budget is spent, with a short burst of local search
   (``descent.py``) after each LNS improvement.

Reproducible: one CP-SAT worker, deterministic time limits, seeds drawn from ``seed``; the
wall clock only guards ``time_limit`` (``SeasonResult.reproducible`` says if it fired).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Literal

from ortools.sat.python import cp_model

from cadence.solve.season import warmup
from cadence.solve.season.cpsat import SeasonModel
from cadence.solve.season.descent import descend
from cadence.solve.season.evaluator import evaluate_season
from cadence.solve.season.lns import Sizes, choose, fixed, hinted, sub_model, venues_free
from cadence.solve.season.model import Game, Season, SeasonProgress, SeasonResult
from cadence.solve.season.roundrobin import start_schedule
from cadence.solve.season.search import InconsistentResult, Search
from cadence.solve.season.validate import check_season

DET_PER_SECOND = 0.35
"""Deterministic budget per second of ``time_limit``: CP-SAT's deterministic second is close
to a wall second on an idle core, and the rest covers model building and Python work."""
FIRST_SHARE = 0.3
"""Share of the budget for finding a first schedule meeting every hard rule."""
DIRECT_DET = 0.2
"""Deterministic seconds for the direct first attempt on the whole (travel-free) model."""
TIMETABLE_TRIES = 30
"""Random relabellings per timetable, keeping the one that places most fixed games."""
VENUES_DET = 0.1
"""Deterministic seconds to choose the venues of one timetable."""
WHOLE_SHARE = 0.2
"""Share for optimising the whole model from it (enough to prove small leagues optimal)."""
WHOLE_MAX_TEAMS = 6
"""Beyond this the whole model with travel is too slow to be worth it; LNS does better."""
ANNEAL_SHARE = 0.85
"""Share of the budget for simulated annealing from the first schedule (decision 0018)."""
LNS_RESERVE = 0.1
"""Share of the budget always left to LNS after annealing, for its rule-directed repairs
when the construction took long."""
BURST_SHARE = 0.02
"""Share for the short burst of local search after each LNS improvement."""
SUB_DET = 0.25
"""Deterministic seconds per LNS sub-problem."""
WALL_MARGIN = 0.1
"""Seconds kept for the final evaluation."""


def _fixed_games_met(season: Season, games: list[Game]) -> int:
    """How many hard fixed games have their pair meeting in one of their slots."""
    where = {(min(h, a), max(h, a), s) for h, a, s in games}
    return sum(
        any((min(r.home, r.away), max(r.home, r.away), s) in where for s in r.slots)
        for r in season.rules
        if r.kind == "fixed_game" and r.hard and r.home is not None and r.away is not None
    )


def _timetable(search: Search, season: Season) -> list[Game] | None:
    """A circle timetable (who meets whom when) that places as many fixed games as a few
    random relabellings manage."""
    best: list[Game] | None = None
    score = -1
    for _ in range(TIMETABLE_TRIES):
        games = start_schedule(season, search.rng, shuffle=True)
        if games is None:
            return None
        met = _fixed_games_met(season, games)
        if met > score:
            best, score = games, met
    return best


def _construct(search: Search, season: Season) -> list[Game] | None:
    """Games meeting every hard rule; None if none was found in the first share of the
    budget. A short direct attempt first (enough for small leagues), then "timetable first,
    venues second": a random circle timetable whose home/away choices CP-SAT makes."""
    if search.over():
        return None
    light = SeasonModel(season, relax_hard=False, soft_travel=False)
    stop = search.used + search.budget * FIRST_SHARE
    start = start_schedule(season, search.rng)
    direct = hinted(light, start) if start is not None else light.m.clone()
    direct.clear_objective()  # type: ignore[no-untyped-call]
    run = search.solve(direct, min(DIRECT_DET, search.budget * FIRST_SHARE / 3))
    if run is None or run.status == cp_model.INFEASIBLE:
        return None
    if run.found:
        return light.games(run.solver)
    while search.used < stop:
        timetable = _timetable(search, season)
        if timetable is None:
            return None
        sub = sub_model(light, timetable, venues_free(timetable))
        sub.clear_objective()  # type: ignore[no-untyped-call]
        run = search.solve(sub, min(VENUES_DET, stop - search.used))
        if run is None:
            return None
        if run.found:
            return light.games(run.solver)
    return None


def _first(search: Search, season: Season) -> tuple[SeasonModel | None, bool]:
    """A first schedule. Returns the model to improve it with (None when time is up), and
    whether the search is over (proven optimal)."""
    games = _construct(search, season)
    if games is not None:
        search.fallback = games
    if search.over():
        return None, False
    strict = SeasonModel(season, relax_hard=False)
    if games is not None:
        run = search.solve(fixed(strict, games), search.budget)
        if run is not None:
            search.accept(strict, run)
    if search.best is not None and len(season.teams) > WHOLE_MAX_TEAMS:
        return strict, False
    if search.best is not None:
        whole = hinted(strict, search.best.games)
        run = search.solve(whole, search.budget * WHOLE_SHARE, prices=strict)
        if run is not None:
            search.accept(strict, run)
        return strict, run is not None and run.status == cp_model.OPTIMAL
    if search.over():
        return None, False
    relaxed = SeasonModel(season, relax_hard=True)
    start = start_schedule(season, search.rng)
    run = None
    if start is not None:  # the circle schedule, unless a shared ground rules it out
        run = search.solve(fixed(relaxed, start), search.budget * 0.1)
    if run is None or not run.found:  # any schedule of the right shape, then its price
        shape = SeasonModel(season, relax_hard=True, soft_travel=False)
        model = hinted(shape, start) if start is not None else shape.m.clone()
        model.clear_objective()  # type: ignore[no-untyped-call]
        run = search.solve(model, search.budget * 0.2)
        if run is not None and run.found:
            run = search.solve(fixed(relaxed, shape.games(run.solver)), search.budget)
    if run is not None:
        search.accept(relaxed, run)
    return relaxed, False


def _descend(search: Search, season: Season, share: float) -> None:
    """A burst of travel local search, if travel is priced at all."""
    if search.best is None or not any(r.kind.startswith("travel") for r in season.rules):
        return
    search.used += descend(
        season,
        search.best.games,
        search.rng,
        budget=min(search.left(), search.budget * share),
        stop=search.over,
        on_better=search.offer,
    )


def _anneal(search: Search, season: Season, share: float) -> None:
    """Simulated annealing from the best schedule, once the kernels are loaded."""
    budget = min(search.budget * share, search.left() - search.budget * LNS_RESERVE)
    if search.best is None or budget <= 0.0 or not warmup.wait(search.over):
        return
    from cadence.solve.season.anneal import anneal  # numba: only where it runs (warmup.py)

    search.used += anneal(
        season,
        search.best.games,
        search.rng,
        budget=budget,
        stop=search.over,
        on_better=search.offer,
    )


def _improve(search: Search, season: Season, model: SeasonModel) -> None:
    n, ns = len(season.teams), len(season.slots)
    _anneal(search, season, ANNEAL_SHARE)
    sizes = Sizes(slots=min(ns, 6), teams=min(n, 6))
    strict: SeasonModel | None = None if model.relax_hard else model
    while search.best is not None and not search.over():
        if model.relax_hard and search.best.hard == 0:
            strict = strict or SeasonModel(season, relax_hard=False)
            model = strict
        best = search.best
        kind, free = choose(model, best.games, search.rng, sizes, best.hard_games)
        run = search.solve(sub_model(model, best.games, free), SUB_DET, prices=model)
        if run is None:
            break
        improved = search.accept(model, run)
        sizes.adapt(kind, run.status == cp_model.OPTIMAL, improved, n, ns)
        if improved:
            _descend(search, season, BURST_SHARE)


def solve_season(
    season: Season,
    *,
    time_limit: float,
    seed: int = 0,
    on_progress: Callable[[SeasonProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    work_limit: float | None = None,
) -> SeasonResult:
    """The best schedule found within ``time_limit`` seconds, re-checked by the evaluator.

    ``work_limit``: the search budget in CP-SAT deterministic seconds (default
    ``DET_PER_SECOND * time_limit``); the same season, seed and budget give the same schedule
    unless ``time_limit`` cuts the run first (then ``result.reproducible`` is False).
    """
    check_season(season)
    warmup.start()
    started = time.perf_counter()
    search = Search(
        season,
        budget=max(0.05, work_limit if work_limit is not None else time_limit * DET_PER_SECOND),
        deadline=started + max(0.05, time_limit - WALL_MARGIN),
        seed=seed,
        on_progress=on_progress,
        should_stop=should_stop,
    )
    model, optimal = _first(search, season)
    if model is not None and not optimal:
        _improve(search, season, model)
    best = search.best
    if best is not None:
        games = tuple(best.games)
    else:  # no time to price a schedule with CP-SAT: the evaluator prices the fallback
        fallback = search.fallback or start_schedule(season, random.Random(seed))
        games = tuple(sorted(fallback or (), key=lambda g: (g[2], g[0])))
    evaluation = evaluate_season(season, games)
    if best is not None and (evaluation.hard, evaluation.cost) != (best.hard, best.cost):
        raise InconsistentResult(
            f"solver kept hard={best.hard} cost={best.cost}, evaluator says "
            f"hard={evaluation.hard} cost={evaluation.cost}"
        )
    search.reporter.flush(final=True)
    status: Literal["feasible", "infeasible", "cancelled"] = "cancelled"
    if not search.cancelled:
        status = "feasible" if evaluation.hard == 0 else "infeasible"
    return SeasonResult(
        games=games,
        evaluation=evaluation,
        elapsed=time.perf_counter() - started,
        status=status,
        seed=seed,
        reproducible=search.reproducible and not search.cancelled,
    )
