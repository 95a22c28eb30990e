"""The annealer's array form of a TTP schedule, and conversions to and from the contract's
rounds.

Why arrays of small ints: the compiled kernels (:mod:`cadence.solve.ttp.moves`) read and
write them directly, so a move costs a few dozen machine instructions.

``rows[t]`` (one row of an ``int64`` matrix of shape ``(n, 2(n-1) + 2)``) holds one code per
round plus a pad at each end for "at home before and after the season". A code ``c < n``
means "at home against ``c``", ``c >= n`` means "away at ``c - n``"; the pads hold ``t`` (at
home, against nobody). ``pos[t, c]`` is the round in which team t plays code c, so a game's
round is one lookup. ``tab[t, c1, c2]`` is team t's cost of playing code c1 then code c2:
the travel between their venues plus ``REPEAT`` if both games are against the same opponent
(a repeater), so one lookup prices a leg's travel and its repeater at once.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from cadence.solve.ttp.model import Rounds, TTPInstance

IntArray = npt.NDArray[np.int64]

REPEAT = 1 << 32
"""Weight of one repeater leg inside a combined cost; far above any travel total."""


def leg_table(instance: TTPInstance) -> IntArray:
    """``tab[t, c1, c2]``: team t's travel from the venue of code c1 to that of code c2,
    plus ``REPEAT`` if both codes are against the same opponent."""
    n = instance.n
    d = np.asarray(instance.distance, dtype=np.int64)
    if n * (2 * n - 1) * int(d.max()) >= REPEAT // 4:  # a schedule's total travel
        raise ValueError("distances too large for the annealer's cost encoding")
    codes = np.arange(2 * n)
    opp = codes % n
    repeat = np.where(opp[:, None] == opp[None, :], REPEAT, 0)
    tab = np.empty((n, 2 * n, 2 * n), dtype=np.int64)
    for t in range(n):
        venue = np.where(codes < n, t, codes - n)
        tab[t] = d[np.ix_(venue, venue)] + repeat
    return tab


def positions(rows: IntArray) -> IntArray:
    """``pos[t, c]``: the round in which team t plays code c (pads excluded)."""
    n, width = rows.shape
    pos = np.zeros((n, 2 * n), dtype=np.int64)
    for t in range(n):
        for r in range(1, width - 1):
            pos[t, rows[t, r]] = r
    return pos


def circle_schedule(n: int, perm: list[int]) -> IntArray:
    """A feasible start for every even n: the circle method with alternating venues,
    mirrored second half, teams relabelled by ``perm``."""
    half: list[list[tuple[int, int]]] = []
    for r in range(n - 1):
        games = [(n - 1, r) if r % 2 else (r, n - 1)]
        for k in range(1, n // 2):
            a, b = (r + k) % (n - 1), (r - k) % (n - 1)
            games.append((a, b) if k % 2 else (b, a))
        half.append(games)
    rounds = half + [[(a, h) for h, a in g] for g in half]
    return rows_from_rounds(n, [[(perm[h], perm[a]) for h, a in g] for g in rounds])


def rows_from_rounds(n: int, rounds: Rounds) -> IntArray:
    rows = np.repeat(np.arange(n, dtype=np.int64)[:, None], len(rounds) + 2, axis=1)
    for r, games in enumerate(rounds, start=1):
        for h, a in games:
            rows[h, r] = a
            rows[a, r] = h + n
    return rows


def rounds_from_rows(rows: IntArray) -> Rounds:
    n, width = rows.shape
    return [[(t, int(rows[t, r])) for t in range(n) if rows[t, r] < n] for r in range(1, width - 1)]
