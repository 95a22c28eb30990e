"""The season annealer's compiled inner loop: a random move, its delta price, Metropolis
acceptance, the adaptive weight on hard violations, and the best schedule kept aside.

Moves (the TTSA neighbourhoods that keep a season's shape; decision 0018):

- swap homes: a pair's two meetings trade slots (single round robin: the host changes);
- swap slots: two slots trade all their games (within a half when the season is phased or
  mirrored, with the mirror slots alongside);
- swap teams: two teams trade all their fixtures, except against each other;
- partial swap slots: one team's games in two slots trade places, and so do those of every
  team drawn in by the chain of opponents, so every team still meets the same teams;
- partial swap teams: two teams trade their games in one slot, and in the chain of slots
  that keeps each of them playing each of its games once (within one half when the season
  has halves; in the mirror slots too when it is mirrored).

Every move keeps the round robin's structure (meetings, halves, mirroring, one game per team
and slot), so only the rules and the shared-ground clashes need re-pricing. A move marks the
rows it may change; those rows are saved, changed, re-priced (:func:`pricing.price_team`)
and restored if the move is rejected.

Why chunks: numba code cannot read the clock or call back into Python cheaply; the driver
(:mod:`cadence.solve.season.anneal`) runs a few thousand moves per call at one temperature.
Random numbers are the run's own (:mod:`cadence.solve.rng`), so a run replays for a seed
and a number of moves, whatever else runs in the process.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from cadence.solve.jit import compiled, inlined
from cadence.solve.rng import Rng, below, uniform
from cadence.solve.season.encoding import IntArray
from cadence.solve.season.pricing import clashes, opponent, price_team, totals

FloatArray = npt.NDArray[np.float64]

WEIGHT_PERIOD = 512
"""Moves between two updates of the hard-violation weight; chunks are multiples of it."""

# Indices into the integer state ``st``.
CUR_HARD, CUR_COST, BEST_HARD, BEST_COST, ACCEPTED = range(5)
SWAP_HOMES, SWAP_SLOTS, SWAP_TEAMS, PARTIAL_SWAP_SLOTS, PARTIAL_SWAP_TEAMS = range(5)
"""Move kinds (``cum`` gives the cumulative probabilities of the first four)."""
# Indices into the shape ``shape``: halves (0/1), mirrored (0/1), half, clash (0/1), strict.
HALVES, MIRRORED, HALF, CLASH, STRICT = range(5)


@inlined
def _swap_cells(rows: IntArray, t: int, k: int, m: int) -> None:
    c = rows[t, k]
    rows[t, k] = rows[t, m]
    rows[t, m] = c


@inlined
def _meetings(rows: IntArray, i: int, j: int) -> tuple[int, int]:
    """The slots where ``i`` meets ``j`` (-1 when there is no such meeting)."""
    first = -1
    second = -1
    for s in range(rows.shape[1]):
        c = rows[i, s]
        if c != 0 and opponent(c) == j:
            if first < 0:
                first = s
            else:
                second = s
    return first, second


@inlined
def _swap_homes(rows: IntArray, i: int, j: int) -> None:
    first, second = _meetings(rows, i, j)
    if second < 0:  # single round robin: the other team hosts
        rows[i, first] = -rows[i, first]
        rows[j, first] = -rows[j, first]
    else:  # the two meetings trade slots
        _swap_cells(rows, i, first, second)
        _swap_cells(rows, j, first, second)


@inlined
def _swap_teams(rows: IntArray, i: int, j: int, inset: IntArray) -> None:
    """Teams ``i`` and ``j`` trade their games in the slots of ``inset``."""
    for s in range(rows.shape[1]):
        if not inset[s]:
            continue
        ci = rows[i, s]
        cj = rows[j, s]
        if ci != 0 and opponent(ci) == j:
            continue
        rows[i, s] = cj
        rows[j, s] = ci
        if cj != 0:  # j's opponent now meets i
            o = opponent(cj)
            rows[o, s] = i + 1 if rows[o, s] > 0 else -(i + 1)
        if ci != 0:
            o = opponent(ci)
            rows[o, s] = j + 1 if rows[o, s] > 0 else -(j + 1)


@inlined
def _chain(rows: IntArray, t: int, k: int, m: int, changed: IntArray, stack: IntArray) -> None:
    """Mark ``t`` and every team drawn in by the chain of opponents in slots ``k``, ``m``."""
    changed[t] = 1
    stack[0] = t
    top = 1
    while top > 0:
        top -= 1
        u = stack[top]
        for s in (k, m):
            c = rows[u, s]
            if c != 0:
                o = opponent(c)
                if not changed[o]:
                    changed[o] = 1
                    stack[top] = o
                    top += 1


@inlined
def _team_chain(rows: IntArray, i: int, j: int, r: int, shape: IntArray, inset: IntArray) -> bool:
    """Mark in ``inset`` the slots where ``i`` and ``j`` trade games so that each keeps its
    games (opponent and venue): start at ``r``; ``i`` takes ``j``'s game there, so it gives
    up its own copy of that game in another slot, where it takes ``j``'s game, and so on
    until the chain comes back to the game ``i`` gave first. False (no move) if the chain
    meets a bye, a game between ``i`` and ``j``, or leaves ``r``'s half when the season has
    halves."""
    ns = rows.shape[1]
    half = shape[HALF]
    lo, hi = 0, ns
    if shape[HALVES]:
        lo, hi = (0, half) if r < half else (half, ns)
    for s in range(ns):
        inset[s] = 0
    first = rows[i, r]
    s = r
    for _ in range(ns):
        ci = rows[i, s]
        cj = rows[j, s]
        if ci == 0 or cj == 0 or opponent(ci) == j or s < lo or s >= hi or inset[s]:
            return False
        inset[s] = 1
        if cj == first:
            return True
        nxt = -1
        for s2 in range(lo, hi):
            if rows[i, s2] == cj:
                nxt = s2
        if nxt < 0:
            return False
        s = nxt
    return False


@inlined
def _two_slots(rng: Rng, ns: int, shape: IntArray) -> tuple[int, int]:
    """Two slots a move may exchange: any two, or two of one half (first half if mirrored);
    (-1, -1) if there are none."""
    half = shape[HALF]
    pool = half if shape[HALVES] else ns
    if pool < 2:
        return -1, -1
    k = below(rng, pool)
    m = below(rng, pool - 1)
    if m >= k:
        m += 1
    if shape[HALVES] and not shape[MIRRORED] and uniform(rng) < 0.5:
        k += half
        m += half
    return k, m


@compiled
def draw(
    rng: Rng,
    cum: FloatArray,
    rows: IntArray,
    shape: IntArray,
    changed: IntArray,
    stack: IntArray,
    inset: IntArray,
    mv: IntArray,
) -> bool:
    """Draw one move into ``mv`` = (kind, i, j, k, m), kind by the cumulative probabilities
    ``cum``, and mark the rows it will change (before changing any). False: no move."""
    n, ns = rows.shape
    for t in range(n):
        changed[t] = 0
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
    k, m = _two_slots(rng, ns, shape)
    mv[0] = kind
    mv[1] = i
    mv[2] = j
    mv[3] = k
    mv[4] = m
    if kind == SWAP_HOMES:
        if _meetings(rows, i, j)[0] < 0:
            return False
        changed[i] = 1
        changed[j] = 1
        return True
    if kind == PARTIAL_SWAP_SLOTS:
        if k < 0:
            return False
        _chain(rows, i, k, m, changed, stack)
        return True
    if kind == SWAP_SLOTS and k < 0:
        return False
    if kind == PARTIAL_SWAP_TEAMS:
        if not _team_chain(rows, i, j, k if k >= 0 else below(rng, ns), shape, inset):
            return False
    elif kind == SWAP_TEAMS:
        for s in range(ns):
            inset[s] = 1
    for t in range(n):
        changed[t] = 1
    return True


@compiled
def apply(
    rows: IntArray, mv: IntArray, shape: IntArray, changed: IntArray, inset: IntArray
) -> None:
    """Make the drawn move ``mv`` on ``rows``."""
    kind, i, j, k, m = mv[0], mv[1], mv[2], mv[3], mv[4]
    if kind == SWAP_HOMES:
        _swap_homes(rows, i, j)
    elif kind in (SWAP_TEAMS, PARTIAL_SWAP_TEAMS):
        _swap_teams(rows, i, j, inset)
        if shape[MIRRORED] and kind == PARTIAL_SWAP_TEAMS:  # the same trade in the mirror
            for s in range(shape[HALF] - 1, -1, -1):
                inset[s + shape[HALF]] = inset[s]
                inset[s] = 0
            _swap_teams(rows, i, j, inset)
    else:  # a whole or partial slot swap, over the marked rows
        mirror = shape[HALF] if shape[MIRRORED] else 0
        for t in range(rows.shape[0]):
            if changed[t]:
                _swap_cells(rows, t, k, m)
                if mirror > 0:
                    _swap_cells(rows, t, k + mirror, m + mirror)


@compiled
def reprice(
    rows: IntArray,
    changed: IntArray,
    dist: IntArray,
    rules: IntArray,
    tmask: IntArray,
    smask: IntArray,
    day: IntArray,
    venue: IntArray,
    shape: IntArray,
    q: IntArray,
    km: IntArray,
    out: IntArray,
) -> None:
    """Re-price the changed rows; ``out`` = (hard, cost) of the whole schedule."""
    for t in range(rows.shape[0]):
        if changed[t]:
            price_team(rows, t, dist, rules, tmask, smask, day, q, km)
    totals(q, km, rules, tmask, out)
    if shape[CLASH]:
        out[0] += clashes(rows, venue)


@inlined
def _copy_changed(changed: IntArray, rows: IntArray, q: IntArray, km: IntArray,
                  to_rows: IntArray, to_q: IntArray, to_km: IntArray) -> None:  # fmt: skip
    """Copy the changed teams' rows and prices: aside before a move, back to undo it."""
    for t in range(rows.shape[0]):
        if changed[t]:
            to_km[t] = km[t]
            for s in range(rows.shape[1]):
                to_rows[t, s] = rows[t, s]
            for r in range(q.shape[1]):
                to_q[t, r] = q[t, r]


@compiled
def anneal_chunk(
    rng: Rng,
    cum: FloatArray,
    rows: IntArray,
    tabs: tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray],
    shape: IntArray,
    q: IntArray,
    km: IntArray,
    scratch: tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray, IntArray, IntArray],
    best: IntArray,
    st: IntArray,
    fl: FloatArray,
    moves: int,
    temp: float,
) -> None:
    """``moves`` Metropolis steps at ``temp`` on ``cost + weight * hard``.

    ``tabs`` = (dist, rules, tmask, smask, day, venue); ``scratch`` = (changed, stack,
    inset, mv, saved, saved_q, saved_km, out); ``st`` the integer state (indices above);
    ``fl[0]`` the weight and ``fl[1]`` its step factor. With ``shape[STRICT]`` a move that
    adds hard violation is never taken (the weight is unused)."""
    dist, rules, tmask, smask, day, venue = tabs
    changed, stack, inset, mv, saved, saved_q, saved_km, out = scratch
    hard = st[CUR_HARD]
    cost = st[CUR_COST]
    weight = fl[0]
    for it in range(moves):
        if it % WEIGHT_PERIOD == 0 and not shape[STRICT]:
            # Strategic oscillation: hover at the feasibility boundary.
            weight = weight * fl[1] if hard > 0 else max(weight / fl[1], 1.0)
        if not draw(rng, cum, rows, shape, changed, stack, inset, mv):
            continue
        _copy_changed(changed, rows, q, km, saved, saved_q, saved_km)
        apply(rows, mv, shape, changed, inset)
        reprice(rows, changed, dist, rules, tmask, smask, day, venue, shape, q, km, out)
        new_hard = out[0]
        new_cost = out[1]
        if shape[STRICT] and new_hard > hard:
            _copy_changed(changed, saved, saved_q, saved_km, rows, q, km)
            continue
        delta = (new_cost - cost) + weight * (new_hard - hard)
        if delta > 0 and uniform(rng) >= math.exp(-delta / temp):
            _copy_changed(changed, saved, saved_q, saved_km, rows, q, km)
            continue
        st[ACCEPTED] += 1
        hard = new_hard
        cost = new_cost
        if hard < st[BEST_HARD] or (hard == st[BEST_HARD] and cost < st[BEST_COST]):
            st[BEST_HARD] = hard
            st[BEST_COST] = cost
            for t in range(rows.shape[0]):
                for s in range(rows.shape[1]):
                    best[t, s] = rows[t, s]
    st[CUR_HARD] = hard
    st[CUR_COST] = cost
    fl[0] = weight


@compiled
def probe(
    rng: Rng,
    cum: FloatArray,
    rows: IntArray,
    tabs: tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray],
    shape: IntArray,
    q: IntArray,
    km: IntArray,
    scratch: tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray, IntArray, IntArray],
    st: IntArray,
    count: int,
) -> float:
    """The mean soft-cost rise of ``count`` random moves, none kept (for the starting
    temperature); 0.0 if no move raised it."""
    dist, rules, tmask, smask, day, venue = tabs
    changed, stack, inset, mv, saved, saved_q, saved_km, out = scratch
    total = 0.0
    rises = 0
    for _ in range(count):
        if not draw(rng, cum, rows, shape, changed, stack, inset, mv):
            continue
        _copy_changed(changed, rows, q, km, saved, saved_q, saved_km)
        apply(rows, mv, shape, changed, inset)
        reprice(rows, changed, dist, rules, tmask, smask, day, venue, shape, q, km, out)
        if out[1] > st[CUR_COST]:
            total += out[1] - st[CUR_COST]
            rises += 1
        _copy_changed(changed, saved, saved_q, saved_km, rows, q, km)
    return total / rises if rises else 0.0
