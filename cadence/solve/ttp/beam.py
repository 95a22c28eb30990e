"""Beam search for the TTP, guided by the teams' independent lower bounds (after Frohner,
Neumann & Raidl, "A beam search approach to the traveling tournament problem", 2020).

Why: the annealer's moves change a few games at a time, and on instances whose good
schedules need every team on efficient trips at once (the circle instances above all) it
stalls far from the best known values (CIRC10: 258-270 against 242). Building the schedule
game by game and ranking the partial schedules by "travel so far + each team's cheapest way
to finish" (:mod:`cadence.solve.ttp.bounds`) puts teams on good trips from the start: CIRC10
246 and NL16 within 5-6% in seconds (decision 0019).

A node is a schedule filled round by round; in each round the lowest team without a game
picks its opponent and venue. Every layer keeps the ``width`` nodes of least
``travel + bound + noise`` (the noise, a fraction of a typical distance, breaks the many ties
and makes each seed a different search). A node carries, per team: venue, streak (negative:
away), last opponent (no repeaters), the opponents still to host and to visit, and its bound.

Memory per node is kept small (``int32``) and bounded by :data:`MEMORY`: the search keeps
two layers, the candidates of one step and, for each step, every node's parent and move
(the history that spells out the best schedule at the end).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cadence.solve.jit import compiled, inlined
from cadence.solve.rng import Rng, uniform
from cadence.solve.ttp.bounds import MAX_TEAMS, Int32Array, bound_table, compress, state_of
from cadence.solve.ttp.encoding import IntArray, rows_from_rounds
from cadence.solve.ttp.model import Rounds, TTPInstance

FloatArray = npt.NDArray[np.float64]

MEMORY = 300 * 1024 * 1024
"""Bytes a search may use for its layers, candidates and history (the widest beam fits)."""

NOISE = 0.5
"""Tie-breaking noise, in mean distances: enough to order equal ranks at random, small
enough to keep the bound's order (on NL16, 0.5-1 beat 2)."""
MAX_NOISE = 8.0

# Column groups of a node row (each n wide), then three scalars.
LOC, STREAK, LAST, TO_HOST, TO_VISIT, BOUND = range(6)
DEAD = -1


def node_columns(n: int) -> int:
    return 6 * n + 3


@inlined
def _count(x: int) -> int:
    c = 0
    while x:
        x &= x - 1
        c += 1
    return c


@inlined
def _finishable(host: int, visit: int, streak: int, window: int) -> bool:
    """Can ``host`` home and ``visit`` away games still follow ``streak`` without a run
    longer than ``window``? (A necessary condition: the runs of one kind are separated by
    games of the other.)"""
    h = _count(host)
    a = _count(visit)
    if streak > 0:
        return h <= (window - streak) + window * a and a <= window * (h + 1)
    if streak < 0:
        return a <= (window + streak) + window * h and h <= window * (a + 1)
    return h <= window * (a + 1) and a <= window * (h + 1)


@inlined
def _first_free(mask: int) -> int:
    t = 0
    while mask >> t & 1:
        t += 1
    return t


@inlined
def _child(
    node: Int32Array, p: int, n: int, t: int, o: int, home: int, window: int,
    d: IntArray, tab: Int32Array, out: IntArray,
) -> bool:  # fmt: skip
    """Price t playing o (t at home if ``home``): ``out`` = (travel added, bound change,
    new streaks of t and o); False if a rule forbids it."""
    st_t = node[p, STREAK * n + t]
    st_o = node[p, STREAK * n + o]
    host_t = node[p, TO_HOST * n + t]
    visit_t = node[p, TO_VISIT * n + t]
    host_o = node[p, TO_HOST * n + o]
    visit_o = node[p, TO_VISIT * n + o]
    if home == 1:
        if not (host_t >> o & 1) or st_t >= window or st_o <= -window:
            return False
        new_t = st_t + 1 if st_t > 0 else 1
        new_o = st_o - 1 if st_o < 0 else -1
        host_t &= ~(1 << o)
        visit_o &= ~(1 << t)
        venue = t
    else:
        if not (visit_t >> o & 1) or st_t <= -window or st_o >= window:
            return False
        new_t = st_t - 1 if st_t < 0 else -1
        new_o = st_o + 1 if st_o > 0 else 1
        visit_t &= ~(1 << o)
        host_o &= ~(1 << t)
        venue = o
    if not _finishable(host_t, visit_t, new_t, window):
        return False
    if not _finishable(host_o, visit_o, new_o, window):
        return False
    out[0] = d[node[p, LOC * n + t], venue] + d[node[p, LOC * n + o], venue]
    b_t = tab[t, compress(t, visit_t), state_of(t, venue, new_t, window)]
    b_o = tab[o, compress(o, visit_o), state_of(o, venue, new_o, window)]
    out[1] = b_t + b_o - node[p, BOUND * n + t] - node[p, BOUND * n + o]
    out[2] = new_t
    out[3] = new_o
    return True


@inlined
def _select(values: FloatArray, count: int, k: int, rng: Rng) -> float:
    """The k-th smallest of ``values[:count]`` (0-based), reordering them (quickselect)."""
    lo = 0
    hi = count - 1
    while lo < hi:
        pivot = values[lo + int(uniform(rng) * (hi - lo + 1))]
        i = lo
        j = hi
        while i <= j:
            while values[i] < pivot:
                i += 1
            while values[j] > pivot:
                j -= 1
            if i <= j:
                values[i], values[j] = values[j], values[i]
                i += 1
                j -= 1
        if k <= j:
            hi = j
        elif k >= i:
            lo = i
        else:
            return float(values[k])
    return float(values[k])


@compiled
def search(
    d: IntArray,
    tab: Int32Array,
    window: int,
    width: int,
    noise: float,
    rng: Rng,
    cur: Int32Array,
    nxt: Int32Array,
    cand_f: FloatArray,
    cand_id: IntArray,
    scratch: FloatArray,
    history: Int32Array,
    price: IntArray,
    out: IntArray,
) -> int:
    """One beam search of ``width``; returns the best complete schedule's travel (its last
    node's index in ``out[0]``, the history in ``history``), or ``DEAD`` if every node of
    some layer was a dead end. ``price`` is scratch of 4 ``int64``."""
    n = d.shape[0]
    cols = 6 * n
    steps = history.shape[0]
    full = (1 << n) - 1
    for t in range(n):
        others = full & ~(1 << t)
        cur[0, LOC * n + t] = t
        cur[0, STREAK * n + t] = 0
        cur[0, LAST * n + t] = -1
        cur[0, TO_HOST * n + t] = others
        cur[0, TO_VISIT * n + t] = others
        cur[0, BOUND * n + t] = tab[t, compress(t, others), 0]
    cur[0, cols] = 0
    cur[0, cols + 1] = 0
    cur[0, cols + 2] = 0
    for t in range(n):
        cur[0, cols + 2] += cur[0, BOUND * n + t]
    count = 1
    for step in range(steps):
        found = 0
        for p in range(count):
            played = cur[p, cols]
            t = _first_free(played)
            for o in range(t + 1, n):
                if played >> o & 1 or cur[p, LAST * n + t] == o:
                    continue
                for home in range(2):
                    if not _child(cur, p, n, t, o, home, window, d, tab, price):
                        continue
                    f = cur[p, cols + 1] + price[0] + cur[p, cols + 2] + price[1]
                    cand_f[found] = f + noise * uniform(rng)
                    cand_id[found] = (p * n + o) * 2 + home
                    found += 1
        if found == 0:
            return DEAD
        threshold = np.inf
        if found > width:
            for c in range(found):
                scratch[c] = cand_f[c]
            threshold = _select(scratch, found, width - 1, rng)
        kept = 0
        for sweep in range(2):  # below the threshold first, then ties up to the width
            for c in range(found):
                if kept >= width:
                    break
                f = cand_f[c]
                if (sweep == 0 and f >= threshold) or (sweep == 1 and f != threshold):
                    continue
                home = cand_id[c] % 2
                o = (cand_id[c] // 2) % n
                p = cand_id[c] // (2 * n)
                t = _first_free(cur[p, cols])
                _child(cur, p, n, t, o, home, window, d, tab, price)
                for x in range(cols + 3):
                    nxt[kept, x] = cur[p, x]
                venue = t if home == 1 else o
                nxt[kept, LOC * n + t] = venue
                nxt[kept, LOC * n + o] = venue
                nxt[kept, STREAK * n + t] = price[2]
                nxt[kept, STREAK * n + o] = price[3]
                nxt[kept, LAST * n + t] = o
                nxt[kept, LAST * n + o] = t
                if home == 1:
                    nxt[kept, TO_HOST * n + t] &= ~(1 << o)
                    nxt[kept, TO_VISIT * n + o] &= ~(1 << t)
                else:
                    nxt[kept, TO_VISIT * n + t] &= ~(1 << o)
                    nxt[kept, TO_HOST * n + o] &= ~(1 << t)
                for x in (t, o):
                    nxt[kept, BOUND * n + x] = tab[
                        x,
                        compress(x, nxt[kept, TO_VISIT * n + x]),
                        state_of(x, venue, nxt[kept, STREAK * n + x], window),
                    ]
                played = cur[p, cols] | (1 << t) | (1 << o)
                nxt[kept, cols] = 0 if played == full else played
                nxt[kept, cols + 1] = cur[p, cols + 1] + price[0]
                nxt[kept, cols + 2] = cur[p, cols + 2] + price[1]
                # parent, then 4 bits each of team and opponent (n <= 16), then the venue
                history[step, kept] = (p << 9) | (t << 5) | (o << 1) | home
                kept += 1
        count = kept
        cur, nxt = nxt, cur
    best = 0
    for p in range(count):  # complete: the bounds are now the trips home
        if cur[p, cols + 1] + cur[p, cols + 2] < cur[best, cols + 1] + cur[best, cols + 2]:
            best = p
    out[0] = best
    return int(cur[best, cols + 1] + cur[best, cols + 2])


@dataclass
class BeamResult:
    distance: int
    rows: IntArray


class BeamSearch:
    """Repeated beam searches on one instance, reusing the bound table and the buffers."""

    def __init__(self, instance: TTPInstance, seed: int) -> None:
        if instance.n > MAX_TEAMS:
            raise ValueError(f"beam search is for up to {MAX_TEAMS} teams")
        self.instance = instance
        self.n = n = instance.n
        self.steps = instance.n_rounds * (n // 2)
        self.d = np.asarray(instance.distance, dtype=np.int64)
        self.tab = bound_table(instance)
        self.rng = np.array([(seed * 0x2545F4914F6CDD1D + 1) % (1 << 64)], dtype=np.uint64)
        positive = self.d[self.d > 0]
        self.typical = float(positive.mean()) if positive.size else 1.0
        self._width = 0

    @staticmethod
    def max_width(n: int) -> int:
        """The widest beam that fits :data:`MEMORY` for n teams."""
        steps = 2 * (n - 1) * (n // 2)
        per_node = 2 * 4 * node_columns(n) + 4 * steps + 2 * (n - 1) * (8 + 8 + 8)
        return max(1, min(MEMORY // per_node, 1 << 22))

    def _buffers(self, width: int) -> None:
        if width == self._width:
            return
        n, cols = self.n, node_columns(self.n)
        most = width * 2 * (n - 1)
        self.cur = np.zeros((width, cols), dtype=np.int32)
        self.nxt = np.zeros((width, cols), dtype=np.int32)
        self.cand_f = np.zeros(most, dtype=np.float64)
        self.cand_id = np.zeros(most, dtype=np.int64)
        self.scratch = np.zeros(most, dtype=np.float64)
        self.history = np.zeros((self.steps, width), dtype=np.int32)
        self._width = width

    def run(self, width: int, noise: float = NOISE) -> BeamResult | None:
        """One search; ``noise`` in units of the mean distance. None: every node died."""
        self._buffers(width)
        out = np.zeros(1, dtype=np.int64)
        value = search(
            self.d, self.tab, self.instance.max_streak, width, noise * self.typical, self.rng,
            self.cur, self.nxt, self.cand_f, self.cand_id, self.scratch, self.history,
            np.zeros(4, dtype=np.int64), out,
        )  # fmt: skip
        if value == DEAD:
            return None
        return BeamResult(value, rows_from_rounds(self.n, self._rounds(int(out[0]))))

    def _rounds(self, last: int) -> Rounds:
        games: list[tuple[int, int]] = []
        p = last
        for step in range(self.steps - 1, -1, -1):
            code = int(self.history[step, p])
            t, o, home = (code >> 5) & 15, (code >> 1) & 15, code & 1
            games.append((t, o) if home else (o, t))
            p = code >> 9
        games.reverse()
        per = self.n // 2
        return [games[r * per : (r + 1) * per] for r in range(len(games) // per)]


FIRST_WIDTH = 1000
"""Width of the first search; each next one doubles, up to the memory cap."""
RUN_SHARE = 0.25
"""Largest share of the time budget one search may take: several searches (seeds) beat
one as wide as the budget allows, and progress is reported between them."""


GIVE_UP = 5
"""Searches that all ran into dead ends (doubling the noise after each: 0.5 ... 8) before
the beam gives up on an instance. CON16, where every distance is 1, dies at 0.5 and 1 (every
node of some layer has no legal game left) and completes at 4."""


@dataclass
class BeamOutcome:
    best: BeamResult | None
    runs: int
    nodes: int  # width x steps, summed over the runs


def widening_search(
    instance: TTPInstance,
    seed: int,
    deadline: float,
    *,
    max_nodes: int | None = None,
    on_best: Callable[[int], None] | None = None,
) -> BeamOutcome:
    """Beam searches of doubling width (then repeated at the widest) until ``deadline``
    (a ``time.perf_counter()`` value), each a different seed; the best schedule of all.

    With ``max_nodes`` the plan depends on it alone (the searches stop once the next would
    exceed it), so an iteration-capped run replays exactly whatever the machine's speed.
    """
    start = time.perf_counter()
    beams = BeamSearch(instance, seed)
    cap = BeamSearch.max_width(instance.n)
    budget = max(deadline - start, 1e-3)
    width = min(FIRST_WIDTH, cap)
    per_width = 0.0  # seconds per unit of width, from the last search
    noise = NOISE
    outcome = BeamOutcome(None, 0, 0)
    while True:
        if max_nodes is not None:
            if outcome.nodes + width * beams.steps > max_nodes:
                break
        else:
            left = deadline - time.perf_counter()
            if per_width > 0:  # wider beams are slower per node (caches): keep a margin
                width = min(width, int(min(left * 0.6, budget * RUN_SHARE) / per_width))
            if left <= 0 or width < FIRST_WIDTH // 4:
                break
        began = time.perf_counter()
        found = beams.run(width, noise)
        per_width = (time.perf_counter() - began) / width
        outcome.runs += 1
        outcome.nodes += width * beams.steps
        if found is None:
            # Dead ends everywhere: the ranking steered every node alike; shuffle more.
            noise = min(noise * 2, MAX_NOISE)
            if outcome.best is None and outcome.runs >= GIVE_UP:
                break  # this instance leads every beam into dead ends: leave it to annealing
        if found is not None and (outcome.best is None or found.distance < outcome.best.distance):
            outcome.best = found
            if on_best is not None:
                on_best(found.distance)
        width = min(cap, width * 2)
    return outcome


def warm_up() -> float:
    """Load (or, on a machine's first run, compile) the beam kernels; seconds spent."""
    began = time.perf_counter()
    inst = TTPInstance(distance=((0, 1, 1, 1), (1, 0, 1, 1), (1, 1, 0, 1), (1, 1, 1, 0)))
    BeamSearch(inst, 0).run(4)
    return time.perf_counter() - began
