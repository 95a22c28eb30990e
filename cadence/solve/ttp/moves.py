"""The five TTSA neighbourhoods as compiled kernels with incremental (delta) evaluation.

Why compiled: the annealer's quality is bounded by moves per second (decision 0014); in
CPython a move cost 10-20 us, compiled it costs a fraction of a microsecond.

A move is planned first (:func:`plan_move`: the list of cells it changes, ``(team, round,
new code)``, read off the schedule before anything changes; no move changes a cell twice),
then applied cell by cell (:func:`apply_plan`), each change priced in place against its
current neighbours, so the deltas of adjacent changes add up exactly without any
bookkeeping of which legs a move touches. Each change re-prices two legs, and, if the cell's
home/away flag flips, the streak windows that contain it. The old code goes into the plan's
fourth column; :func:`undo` replays it backwards, which is the rollback of a rejected move.
The schedule encoding is described in :mod:`cadence.solve.ttp.encoding`.

Pricing is one integer: travel + ``REPEAT`` x (repeater legs, counted for both teams), as
the leg table already holds ``REPEAT`` for two consecutive games against one opponent
(:func:`cadence.solve.ttp.encoding.leg_table`); :func:`split` takes it apart exactly. Streak
windows (``window`` equal venues in a row) are counted separately.
"""

from __future__ import annotations

import numpy as np

from cadence.solve.jit import compiled, inlined
from cadence.solve.ttp.encoding import REPEAT, IntArray

SWAP_HOMES, SWAP_ROUNDS, SWAP_TEAMS, PARTIAL_SWAP_ROUNDS, PARTIAL_SWAP_TEAMS = range(5)
"""Move kinds, the index :func:`plan_move` dispatches on."""


def split(cost: int) -> tuple[int, int]:
    """(travel, repeater legs) of a combined cost or delta."""
    rep = (cost + REPEAT // 2) // REPEAT
    return cost - rep * REPEAT, rep


@inlined
def _bits(x: int) -> int:
    """Population count without branches (mispredicted branches dominated the kernel)."""
    x = x - ((x >> 1) & 0x5555555555555555)
    x = (x & 0x3333333333333333) + ((x >> 2) & 0x3333333333333333)
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0F
    return (x * 0x0101010101010101) >> 56 & 0xFF


@inlined
def _runs(h: int, width: int, window: int) -> int:
    """Streak windows inside a ``width``-bit home/away mask (all home or all away)."""
    a = ((1 << width) - 1) & ~h
    hw = h
    aw = a
    for s in range(1, window):
        hw &= h >> s
        aw &= a >> s
    return _bits(hw) + _bits(aw)


@compiled
def apply_plan(
    rows: IntArray,
    pos: IntArray,
    tab: IntArray,
    window: int,
    plan: IntArray,
    size: int,
    acc: IntArray,
) -> None:
    """Apply the planned cells in order; ``acc[0]`` += cost delta, ``acc[1]`` += streak
    window delta. Keeps each cell's old code in ``plan[x, 3]`` for :func:`undo`."""
    n = rows.shape[0]
    nr = rows.shape[1] - 2
    cost = 0
    streaks = 0
    for x in range(size):
        t = plan[x, 0]
        r = plan[x, 1]
        code = plan[x, 2]
        old = rows[t, r]
        plan[x, 3] = old
        p = rows[t, r - 1]
        q = rows[t, r + 1]
        cost += tab[t, p, code] + tab[t, code, q] - tab[t, p, old] - tab[t, old, q]
        if (old < n) != (code < n):
            # Every window holding round r lies within rounds r-window+1 .. r+window-1.
            lo = max(1, r - window + 1)
            hi = min(nr, r + window - 1)
            h = 0
            for y in range(lo, hi + 1):
                h |= np.int64(rows[t, y] < n) << (y - lo)
            width = hi - lo + 1
            streaks += _runs(h ^ (1 << (r - lo)), width, window) - _runs(h, width, window)
        rows[t, r] = code
        pos[t, code] = r
    acc[0] += cost
    acc[1] += streaks


@compiled
def undo(rows: IntArray, pos: IntArray, plan: IntArray, size: int) -> None:
    """Restore the cells of the last applied plan, newest first."""
    for x in range(size - 1, -1, -1):
        t = plan[x, 0]
        r = plan[x, 1]
        rows[t, r] = plan[x, 3]
        pos[t, plan[x, 3]] = r


@inlined
def _opp(code: int, n: int) -> int:
    return code - n if code >= n else code


@inlined
def _columns(rows: IntArray, t: int, k: int, m: int, plan: IntArray, size: int) -> int:
    """Plan: team t exchanges its games of rounds k and m."""
    plan[size, 0] = t
    plan[size, 1] = k
    plan[size, 2] = rows[t, m]
    plan[size + 1, 0] = t
    plan[size + 1, 1] = m
    plan[size + 1, 2] = rows[t, k]
    return size + 2


@inlined
def _games(rows: IntArray, i: int, j: int, r: int, plan: IntArray, size: int) -> int:
    """Plan: i and j exchange their games of round r; each opponent meets the other team
    instead, at the same venue."""
    n = rows.shape[0]
    a = rows[i, r]
    b = rows[j, r]
    oa = _opp(a, n)
    ob = _opp(b, n)
    cells = ((oa, rows[oa, r] - i + j), (ob, rows[ob, r] - j + i), (i, b), (j, a))
    for t, code in cells:
        plan[size, 0] = t
        plan[size, 1] = r
        plan[size, 2] = code
        size += 1
    return size


@compiled
def plan_move(
    kind: int,
    i: int,
    j: int,
    k: int,
    m: int,
    rows: IntArray,
    pos: IntArray,
    plan: IntArray,
    group: IntArray,
    seen: IntArray,
    chain: IntArray,
) -> int:
    """Plan one TTSA move; returns the number of planned cells (-1: no such move).

    Teams i != j, rounds 1 <= k != m <= 2(n-1); ``group``, ``seen`` (zeros) and ``chain`` are
    scratch arrays of length n, n and 2(n-1); ``plan`` has ``4 * 2(n-1) + 2n`` rows.
    """
    n = rows.shape[0]
    nr = rows.shape[1] - 2
    size = 0
    if kind == 0:  # SwapHomes: the two games of i and j change venues (and rounds)
        k = pos[i, j]
        m = pos[i, j + n]
        size = _columns(rows, i, k, m, plan, size)
        return _columns(rows, j, k, m, plan, size)
    if kind == 1:  # SwapRounds
        for t in range(n):
            size = _columns(rows, t, k, m, plan, size)
        return size
    if kind == 2:  # SwapTeams: whole schedules, except their mutual games
        for r in range(1, nr + 1):
            if _opp(rows[i, r], n) != j:
                size = _games(rows, i, j, r, plan, size)
        return size
    if kind == 3:
        # PartialSwapRounds: rounds k and m for i and the smallest set of teams that keeps
        # both rounds perfect matchings (those reachable from i through k's and m's games).
        group[0] = i
        seen[i] = 1
        members = 1
        x = 0
        while x < members:
            t = group[x]
            x += 1
            for o in (_opp(rows[t, k], n), _opp(rows[t, m], n)):
                if seen[o] == 0:
                    seen[o] = 1
                    group[members] = o
                    members += 1
        for x in range(members):
            seen[group[x]] = 0
            size = _columns(rows, group[x], k, m, plan, size)
        return size
    # PartialSwapTeams: i and j exchange their games in round k and in the chain of rounds
    # that keeps the double round robin; impossible if the chain meets their mutual games.
    if _opp(rows[i, k], n) == j:
        return -1
    chain[0] = k
    links = 1
    v = rows[j, k]
    while v != rows[i, k]:
        if _opp(v, n) == i:
            return -1
        r = pos[i, v]
        chain[links] = r
        links += 1
        v = rows[j, r]
    for x in range(links):
        size = _games(rows, i, j, chain[x], plan, size)
    return size


@compiled
def full_cost(rows: IntArray, tab: IntArray, window: int, out: IntArray) -> None:
    """Recount from scratch: ``out[0]`` cost (travel + REPEAT x repeaters), ``out[1]``
    streak windows: what :func:`apply_plan` prices incrementally."""
    n = rows.shape[0]
    nr = rows.shape[1] - 2
    cost = 0
    streaks = 0
    for t in range(n):
        for r in range(nr + 1):
            cost += tab[t, rows[t, r], rows[t, r + 1]]
        for s in range(1, nr - window + 2):
            home = 0
            for x in range(s, s + window):
                if rows[t, x] < n:
                    home += 1
            if home == 0 or home == window:
                streaks += 1
    out[0] = cost
    out[1] = streaks
