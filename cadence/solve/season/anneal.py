"""Simulated annealing for a season, between and before CP-SAT steps (decision 0018).

Why: travel is a sum of tours, which CP-SAT improves slowly (a table per leg) and an
improvement-only local search leaves in the first local optimum. The annealer makes the
TTP annealer's moves on the season model, prices each one incrementally
(:mod:`cadence.solve.season.pricing`: only the rows a move changes), and accepts a worse
schedule with the Metropolis probability, cooling geometrically over its budget.

Hard rules are priced by an adaptive weight (strategic oscillation, as in TTSA) or, with
``strict``, never allowed to grow (decision 0018 measured both). The evaluator stays the
judge: the kernels' price of the first schedule and of every best schedule handed back must
equal ``evaluate_season``'s, or :class:`InconsistentResult` is raised.

This is the driver: moves run in compiled chunks (:mod:`cadence.solve.season.kernel`);
between chunks it sets the temperature, charges the deterministic budget, checks ``stop``
and hands each new best schedule to ``on_better``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cadence.solve.season import kernel
from cadence.solve.season.encoding import IntArray, tables, to_games, to_rows
from cadence.solve.season.evaluator import evaluate_season
from cadence.solve.season.kernel import BEST_COST, BEST_HARD
from cadence.solve.season.model import Game, Rule, Season, SeasonEvaluation, Slot, Team
from cadence.solve.season.pricing import clashes
from cadence.solve.season.roundrobin import start_schedule
from cadence.solve.season.search import InconsistentResult

MOVE_CHARGE = 1.4e-8
"""Deterministic seconds charged per move and per team-slot cell of the season (a move
re-prices up to every row). Measured on the shared 2-core machine (decision 0018): 1.2-1.5e-8
CPU seconds per move and cell on NL8, NL10 and a 10-rule league, so a deterministic second is
about a CPU second, as for CP-SAT."""
EVAL_CHARGE = 0.002
"""Deterministic seconds charged per full evaluation."""
CHUNK = 4 * kernel.WEIGHT_PERIOD
"""Moves per compiled call, a multiple of the weight period (so the weight is updated at
the same moves whatever the budget)."""
MIX = (0.2, 0.4, 0.6, 0.8)
"""Cumulative probabilities of swap homes, swap slots, swap teams, partial slot swaps (the
rest: partial team swaps): uniform, as in TTSA."""
T_RATIO = 100.0
"""Initial / final temperature."""
T_START = 1.0
"""Initial temperature as a share of the mean cost rise of a random move."""
WEIGHT_STEP = 1.01
"""Strategic oscillation factor on the hard weight, every ``kernel.WEIGHT_PERIOD`` moves."""
PROBE_MOVES = 512


def _agree(ev: SeasonEvaluation, hard: int, cost: int) -> SeasonEvaluation:
    """``ev``, the evaluator's verdict, which must be the kernels' (hard, cost)."""
    if (ev.hard, ev.cost) != (hard, cost):
        raise InconsistentResult(
            f"annealer: hard={hard} cost={cost}, evaluator: hard={ev.hard} cost={ev.cost}"
        )
    return ev


@dataclass(frozen=True)
class Arrays:
    """One run's arrays, in the kernels' argument order."""

    tabs: tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray]
    shape: IntArray
    q: IntArray
    """Each team's figure per rule."""
    km: IntArray
    """Each team's travel."""
    scratch: tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray, IntArray, IntArray]
    out: IntArray
    """(hard, cost) of the last pricing."""


def arrays(season: Season, rows: IntArray, strict: bool = False) -> Arrays:
    """The kernels' tables and scratch for ``season``, ``rows`` priced into them."""
    tab = tables(season)
    n, ns = rows.shape
    half = ns // 2
    halves = season.double_round_robin and (season.phased or season.mirrored)
    shape = np.array([halves, season.mirrored and halves, half, tab.clash, strict], np.int64)
    q = np.zeros((n, len(season.rules)), np.int64)
    km = np.zeros(n, np.int64)
    out = np.zeros(2, np.int64)
    changed, stack, inset, mv = (np.ones(n, np.int64), np.zeros(n, np.int64),
                                 np.zeros(ns, np.int64), np.zeros(5, np.int64))  # fmt: skip
    scratch = (changed, stack, inset, mv, np.zeros_like(rows), np.zeros_like(q),
               np.zeros_like(km), out)  # fmt: skip
    made = Arrays((tab.dist, tab.rules, tab.tmask, tab.smask, tab.day, tab.venue),
                  shape, q, km, scratch, out)  # fmt: skip
    kernel.reprice(rows, changed, *made.tabs, shape, q, km, out)  # every row
    return made


def anneal(
    season: Season,
    games: list[Game],
    rng: random.Random,
    *,
    budget: float,
    stop: Callable[[], bool],
    on_better: Callable[[list[Game], SeasonEvaluation], None],
    strict: bool = False,
) -> float:
    """Anneal from ``games`` until ``budget`` deterministic seconds are charged or
    ``stop()``; calls ``on_better`` with each better schedule ((hard, cost) lexicographic),
    once per chunk at most. Returns the charge. Schedules with structure errors other than
    shared-ground clashes are left alone (the moves keep a valid round robin valid)."""
    rows = to_rows(season, games)
    if rows is None:
        return 0.0
    a = arrays(season, rows, strict)
    start = evaluate_season(season, games)
    spent = EVAL_CHARGE
    venue = a.tabs[-1]
    if len(start.structure_errors) != (clashes(rows, venue) if a.shape[kernel.CLASH] else 0):
        return spent  # a broken round robin: the moves assume a valid one
    _agree(start, int(a.out[0]), int(a.out[1]))
    st = np.array([a.out[0], a.out[1], a.out[0], a.out[1], 0], np.int64)
    gen = np.array([rng.getrandbits(64)], np.uint64)
    cum = np.array(MIX, np.float64)
    per_move = MOVE_CHARGE * len(season.teams) * len(season.slots)
    rise = kernel.probe(gen, cum, rows, a.tabs, a.shape, a.q, a.km, a.scratch, st, PROBE_MOVES)
    spent += PROBE_MOVES * per_move
    if rise == 0.0 and start.hard == 0:
        return spent  # nothing soft to improve
    t0 = max(1e-3, T_START * rise)
    fl = np.array([max(1.0, rise), WEIGHT_STEP], np.float64)
    best = rows.copy()
    total = max(1, int((budget - spent) / (per_move * CHUNK)))
    reported = (start.hard, start.cost)
    for chunk in range(total):
        temp = t0 * T_RATIO ** (-chunk / total)
        kernel.anneal_chunk(gen, cum, rows, a.tabs, a.shape, a.q, a.km, a.scratch, best, st,
                            fl, CHUNK, temp)  # fmt: skip
        spent += CHUNK * per_move
        found = (int(st[BEST_HARD]), int(st[BEST_COST]))
        if found < reported:
            better = to_games(best)
            on_better(better, _agree(evaluate_season(season, better), *found))
            spent += EVAL_CHARGE
            reported = found
        if stop():
            break
    return spent


def warm_up() -> None:
    """Load the kernels (on a machine's first run: compile them) by annealing a tiny league."""
    season = Season(
        teams=tuple(Team(f"T{i}") for i in range(4)),
        slots=tuple(Slot() for _ in range(6)),
        rules=(Rule("max_consecutive_home", value=1), Rule("travel_total", hard=False)),
        distances=((0, 1, 2, 1), (1, 0, 1, 2), (2, 1, 0, 1), (1, 2, 1, 0)),
    )
    games = start_schedule(season, random.Random(0))
    assert games is not None
    anneal(season, games, random.Random(0), budget=0.001, stop=lambda: False,
           on_better=lambda _g, _e: None)  # fmt: skip
