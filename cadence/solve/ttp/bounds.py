"""Independent lower bounds (ILB) of the TTP: each team's cheapest way to make its away
games on its own, ignoring every other team.

A team must visit each opponent's venue once, in trips of at most ``max_streak`` away games,
starting and ending at home. Its cheapest such tour is a lower bound on its travel in any
schedule, and the sum over teams bounds the whole schedule (Easton, Nemhauser & Trick's
"independent lower bound"). The beam search (:mod:`cadence.solve.ttp.beam`) uses the table
of every team's bound from every partial state as its heuristic: how far a team still has to
travel, at least, from where it is with what it has left.

``tab[t, S, c]`` is team t's least remaining travel with away set ``S`` (a bit per opponent,
see :func:`compress`) from state ``c``: 0 at home, or ``1 + max_streak * b + (k - 1)`` when
away at opponent bit ``b`` after ``k`` consecutive away games. Memory is
``n * 2**(n-1) * (1 + 3(n-1))`` ``int32``: 96 MB at 16 teams, hence :data:`MAX_TEAMS`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from cadence.solve.jit import compiled, inlined
from cadence.solve.ttp.encoding import IntArray
from cadence.solve.ttp.model import TTPInstance

Int32Array = npt.NDArray[np.int32]

_UNREACHABLE = 1 << 40

MAX_TEAMS = 16
"""Largest league whose table is built (18 teams would need 470 MB)."""


@inlined
def compress(t: int, away: int) -> int:
    """Team t's away set over all n teams (bit o = opponent o) as its table index over the
    n - 1 opponents (bit t dropped, the bits above it shifted down)."""
    return (away & ((1 << t) - 1)) | ((away >> (t + 1)) << t)


@inlined
def state_of(t: int, loc: int, streak: int, window: int) -> int:
    """Table column of team t at venue ``loc`` with ``streak`` (negative: away games in a
    row); ``window`` is max_streak."""
    if loc == t:
        return 0
    bit = loc if loc < t else loc - 1
    return 1 + window * bit + (-streak - 1)


@compiled
def _fill(d: IntArray, window: int, tab: Int32Array) -> None:
    n = d.shape[0]
    m = n - 1
    for t in range(n):
        # Subsets in increasing order: every S minus one bit comes before S.
        for s in range(1 << m):
            best = 0
            if s != 0:
                best = _UNREACHABLE
                for b in range(m):
                    if s >> b & 1:
                        v = d[t, b + (b >= t)] + tab[t, s & ~(1 << b), 1 + window * b]
                        best = min(best, v)
            tab[t, s, 0] = best
            for b in range(m):
                here = b + (b >= t)
                for k in range(1, window + 1):
                    best = d[here, t] + tab[t, s, 0]  # home now (or for good if s is empty)
                    if k < window:
                        for b2 in range(m):
                            if s >> b2 & 1:
                                nxt = tab[t, s & ~(1 << b2), 1 + window * b2 + k]
                                best = min(best, d[here, b2 + (b2 >= t)] + nxt)
                    tab[t, s, 1 + window * b + (k - 1)] = best


def bound_table(instance: TTPInstance) -> Int32Array:
    """Every team's independent lower bound from every state (layout in the module doc)."""
    n = instance.n
    if n > MAX_TEAMS:
        raise ValueError(f"independent bounds are tabulated up to {MAX_TEAMS} teams, not {n}")
    window = instance.max_streak
    tab = np.zeros((n, 1 << (n - 1), 1 + window * (n - 1)), dtype=np.int32)
    _fill(np.asarray(instance.distance, dtype=np.int64), window, tab)
    return tab


def independent_lower_bound(instance: TTPInstance, tab: Int32Array | None = None) -> int:
    """The sum of every team's cheapest tour: no schedule travels less."""
    tab = bound_table(instance) if tab is None else tab
    full = (1 << (instance.n - 1)) - 1
    return int(sum(int(tab[t, full, 0]) for t in range(instance.n)))
