"""The annealer's compiled inner loop: random TTSA moves, Metropolis acceptance, strategic
oscillation of the violation weight, and the best feasible schedule kept aside.

Why a chunk at a time: numba code cannot read the clock or call back into Python cheaply, so
the driver (:mod:`cadence.solve.ttp.anneal`) runs a few thousand moves per call at a fixed
temperature and does the schedule control, deadline and progress between calls. Chunks
are a multiple of the weight period, so the weight is updated at the same moves whatever
the chunk size.

The random numbers are the run's own (:mod:`cadence.solve.rng`), so a run replays exactly
for a given seed and move count, whatever else runs in the process.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from cadence.solve.jit import compiled
from cadence.solve.rng import Rng, below, uniform
from cadence.solve.ttp.encoding import REPEAT, IntArray
from cadence.solve.ttp.moves import apply_plan, plan_move, undo

FloatArray = npt.NDArray[np.float64]

WEIGHT_PERIOD = 512
"""Moves between two updates of the violation weight; chunks are multiples of it."""

# Indices into the run's integer state ``st``.
CUR_DIST, CUR_VIOL, BEST_DIST, SINCE_BEST, ACCEPTED = range(5)
NO_BEST = np.iinfo(np.int64).max


@compiled
def random_move(
    rng: Rng,
    cum: FloatArray,
    rows: IntArray,
    pos: IntArray,
    tab: IntArray,
    window: int,
    plan: IntArray,
    acc: IntArray,
    group: IntArray,
    seen: IntArray,
    chain: IntArray,
) -> int:
    """Draw and apply one move (kind by the cumulative probabilities ``cum``); returns the
    size of its plan (-1: none), its cost and streak deltas in ``acc``."""
    n = rows.shape[0]
    nr = rows.shape[1] - 2
    u = uniform(rng)
    kind = 4
    for x in range(4):
        if u < cum[x]:
            kind = x
            break
    i = below(rng, n)
    j = below(rng, n - 1)
    if j >= i:
        j += 1
    k = 1 + below(rng, nr)
    m = 1 + below(rng, nr - 1)
    if m >= k:
        m += 1
    acc[0] = 0
    acc[1] = 0
    size = plan_move(kind, i, j, k, m, rows, pos, plan, group, seen, chain)
    if size >= 0:
        apply_plan(rows, pos, tab, window, plan, size, acc)
    return size


@compiled
def probe(
    rng: Rng,
    cum: FloatArray,
    rows: IntArray,
    pos: IntArray,
    tab: IntArray,
    window: int,
    plan: IntArray,
    acc: IntArray,
    group: IntArray,
    seen: IntArray,
    chain: IntArray,
    count: int,
    out: IntArray,
) -> int:
    """Price ``count`` random moves without keeping any; their travel deltas go to ``out``
    (used to pick the starting temperature). Returns how many were valid moves."""
    valid = 0
    for _ in range(count):
        size = random_move(rng, cum, rows, pos, tab, window, plan, acc, group, seen, chain)
        if size >= 0:
            rep = (acc[0] + REPEAT // 2) // REPEAT
            out[valid] = acc[0] - rep * REPEAT
            valid += 1
            undo(rows, pos, plan, size)
    return valid


@compiled
def anneal_chunk(
    rng: Rng,
    cum: FloatArray,
    rows: IntArray,
    pos: IntArray,
    tab: IntArray,
    window: int,
    plan: IntArray,
    acc: IntArray,
    group: IntArray,
    seen: IntArray,
    chain: IntArray,
    best: IntArray,
    st: IntArray,
    fl: FloatArray,
    moves: int,
    temp: float,
) -> None:
    """``moves`` Metropolis steps at temperature ``temp``. ``st`` holds the run's integer
    state (indices above), ``fl[0]`` the violation weight and ``fl[1]`` its step factor."""
    cur_dist = st[CUR_DIST]
    cur_viol = st[CUR_VIOL]
    best_dist = st[BEST_DIST]
    since_best = st[SINCE_BEST]
    accepted = st[ACCEPTED]
    weight = fl[0]
    step = fl[1]
    for it in range(moves):
        if it % WEIGHT_PERIOD == 0:
            # Strategic oscillation: hover at the feasibility boundary.
            weight = weight * step if cur_viol > 0 else max(weight / step, 1.0)
        since_best += 1
        size = random_move(rng, cum, rows, pos, tab, window, plan, acc, group, seen, chain)
        if size < 0:
            continue
        dv = (acc[0] + REPEAT // 2) // REPEAT
        dd = acc[0] - dv * REPEAT
        dv += acc[1]
        delta = dd + weight * dv
        if delta > 0 and uniform(rng) >= math.exp(-delta / temp):
            undo(rows, pos, plan, size)
            continue
        accepted += 1
        cur_dist += dd
        cur_viol += dv
        if cur_viol == 0 and cur_dist < best_dist:
            best_dist = cur_dist
            for t in range(rows.shape[0]):
                for r in range(rows.shape[1]):
                    best[t, r] = rows[t, r]
            since_best = 0
    st[CUR_DIST] = cur_dist
    st[CUR_VIOL] = cur_viol
    st[BEST_DIST] = best_dist
    st[SINCE_BEST] = since_best
    st[ACCEPTED] = accepted
    fl[0] = weight
