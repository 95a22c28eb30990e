"""Simulated annealing for the TTP, after Anagnostopoulos, Michel, Van Hentenryck & Vergados
(TTSA, 2006): the five neighbourhoods, violations priced by an adaptive weight (strategic
oscillation), reheats from the best schedule.

Why the odd encoding: a team's row is a ``bytearray`` (pads at both ends for "at home before
and after the season"), so a row's travel, streak windows and repeaters are computed by C-level
``translate``/``map``/big-int operations instead of Python loops; that is several times faster
than a list-of-lists walk and is what makes pure Python competitive here. Codes in a row:
``o`` = home against ``o``; ``o + n`` = away at ``o``; the pad is the team's own index.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from operator import eq, getitem

from cadence.solve.ttp.model import Rounds, TTPInstance

_CACHE_SIZE = 400_000
_WEIGHT_STEP = 1.05  # strategic oscillation factor, applied every 1024 moves
_T_RATIO = 30.0  # initial / final temperature of a cooling cycle (10 -> 30: -2% on NL8)

Progress = Callable[[int | None, int, float], None]
"""Called with (best feasible distance or None, current violations, elapsed seconds)."""


@dataclass
class AnnealStats:
    iterations: int = 0
    accepted: int = 0
    reheats: int = 0


def circle_schedule(n: int, rng: random.Random) -> list[bytearray]:
    """A feasible-ish start: circle method, alternating venues, mirrored second half,
    teams relabelled at random."""
    perm = list(range(n))
    rng.shuffle(perm)
    half: list[list[tuple[int, int]]] = []
    for r in range(n - 1):
        games = [(n - 1, r) if r % 2 else (r, n - 1)]
        for k in range(1, n // 2):
            a, b = (r + k) % (n - 1), (r - k) % (n - 1)
            games.append((a, b) if k % 2 else (b, a))
        half.append(games)
    rounds = half + [[(a, h) for h, a in g] for g in half]
    return rows_from_rounds(n, [[(perm[h], perm[a]) for h, a in g] for g in rounds])


def rows_from_rounds(n: int, rounds: Rounds) -> list[bytearray]:
    rows = [bytearray([t]) * (len(rounds) + 2) for t in range(n)]
    for r, games in enumerate(rounds, start=1):
        for h, a in games:
            rows[h][r] = a
            rows[a][r] = h + n
    return rows


def rounds_from_rows(n: int, rows: list[bytearray]) -> Rounds:
    out: Rounds = []
    for r in range(1, len(rows[0]) - 1):
        out.append([(t, rows[t][r]) for t in range(n) if rows[t][r] < n])
    return out


class Annealer:
    """One annealing run on one instance; deterministic for a given seed and iteration count."""

    def __init__(
        self,
        instance: TTPInstance,
        seed: int,
        *,
        t0_scale: float = 1.0,
        t_ratio: float = _T_RATIO,
    ) -> None:
        self.t0_scale = t0_scale
        self.t_ratio = t_ratio
        self.n = n = instance.n
        self.n_rounds = instance.n_rounds
        self.rng = random.Random(seed)
        self.dist = [list(row) for row in instance.distance]
        self.window = instance.max_streak + 1
        # Per-team translation tables: code -> venue, code -> 1 if home, code -> 1 if away.
        self.loc_t = [bytes([t] * n + list(range(n)) + [0] * (256 - 2 * n)) for t in range(n)]
        self.home_t = [
            bytes([0 if c == t else 1 for c in range(n)] + [0] * (256 - n)) for t in range(n)
        ]
        self.away_t = [bytes([0] * n + [1] * n + [0] * (256 - 2 * n)) for _ in range(n)]
        self.opp_t = bytes([c % n for c in range(2 * n)] + [255] * (256 - 2 * n))
        self.rows = circle_schedule(n, self.rng)
        self._cache: dict[bytes, tuple[int, int]] = {}
        costs = [self.row_cost(t, self.rows[t]) for t in range(n)]
        self.team_dist = [c[0] for c in costs]
        self.team_viol = [c[1] for c in costs]
        self.stats = AnnealStats()

    # -- evaluation ------------------------------------------------------------------------

    def row_cost(self, t: int, row: bytearray) -> tuple[int, int]:
        """(travel, violations) of one team's row, memoised: late in a run the same candidate
        rows come back again and again (most moves are rejected), so most calls are hits."""
        key = bytes(row)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        cost = self._cache[key] = self._row_cost(t, row)
        return cost

    def _row_cost(self, t: int, row: bytearray) -> tuple[int, int]:
        """(travel, violations); violations = over-long home/away windows + repeaters."""
        locs = row.translate(self.loc_t[t])
        travel = sum(map(getitem, map(self.dist.__getitem__, locs), locs[1:]))
        hm = int.from_bytes(row.translate(self.home_t[t]), "big")
        aw = int.from_bytes(row.translate(self.away_t[t]), "big")
        h, a = hm, aw
        for k in range(1, self.window):
            h &= hm >> (8 * k)
            a &= aw >> (8 * k)
        opps = row.translate(self.opp_t)
        repeats = sum(map(eq, opps, opps[1:]))
        return travel, h.bit_count() + a.bit_count() + repeats

    def totals(self) -> tuple[int, int]:
        return sum(self.team_dist), sum(self.team_viol)

    def schedule(self) -> Rounds:
        return rounds_from_rows(self.n, self.rows)

    # -- neighbourhoods: each returns {team: new row} without touching self.rows --------------

    def swap_homes(self, i: int, j: int) -> dict[int, bytearray]:
        n = self.n
        ri, rj = bytearray(self.rows[i]), bytearray(self.rows[j])
        p, q = ri.index(j), ri.index(j + n)
        ri[p], ri[q] = j + n, j
        rj[p], rj[q] = i, i + n
        return {i: ri, j: rj}

    def swap_rounds(self, k: int, m: int) -> dict[int, bytearray]:
        out: dict[int, bytearray] = {}
        for t, row in enumerate(self.rows):
            new = bytearray(row)
            new[k], new[m] = row[m], row[k]
            out[t] = new
        return out

    def partial_swap_rounds(self, t: int, k: int, m: int) -> dict[int, bytearray]:
        n, rows = self.n, self.rows
        group = {t}
        todo = [t]
        while todo:
            x = todo.pop()
            for r in (k, m):
                o = rows[x][r] % n
                if o not in group:
                    group.add(o)
                    todo.append(o)
        out: dict[int, bytearray] = {}
        for x in group:
            new = bytearray(rows[x])
            new[k], new[m] = new[m], new[k]
            out[x] = new
        return out

    def _swap_team_rounds(self, i: int, j: int, rounds: list[int]) -> dict[int, bytearray]:
        n, rows = self.n, self.rows
        out = {i: bytearray(rows[i]), j: bytearray(rows[j])}
        ri, rj = out[i], out[j]
        for r in rounds:
            ri[r], rj[r] = rj[r], ri[r]
            for me, c in ((i, ri[r]), (j, rj[r])):
                o = c % n
                ro = out.get(o)
                if ro is None:
                    ro = out[o] = bytearray(rows[o])
                ro[r] = me + n if c < n else me
        return out

    def swap_teams(self, i: int, j: int) -> dict[int, bytearray]:
        ri, n = self.rows[i], self.n
        rounds = [r for r in range(1, self.n_rounds + 1) if ri[r] % n != j]
        return self._swap_team_rounds(i, j, rounds)

    def partial_swap_teams(self, i: int, j: int, r: int) -> dict[int, bytearray] | None:
        n = self.n
        ri, rj = self.rows[i], self.rows[j]
        if ri[r] % n == j:
            return None
        rounds = [r]
        v = rj[r]
        while v != ri[r]:
            if v % n == i:
                return None
            r2 = ri.index(v)
            rounds.append(r2)
            v = rj[r2]
        return self._swap_team_rounds(i, j, rounds)

    def random_move(self) -> dict[int, bytearray] | None:
        rand, n, nr = self.rng.random, self.n, self.n_rounds
        kind = rand()
        # Two distinct teams and two distinct rounds; cheaper than ``rng.sample``.
        i = int(rand() * n)
        j = int(rand() * (n - 1))
        j += j >= i
        if kind < 0.15:
            return self.swap_homes(i, j)
        k = int(rand() * nr) + 1
        m = int(rand() * (nr - 1)) + 1
        m += m >= k
        if kind < 0.25:
            return self.swap_rounds(k, m)
        if kind < 0.35:
            return self.swap_teams(i, j)
        if kind < 0.65:
            return self.partial_swap_rounds(i, k, m)
        return self.partial_swap_teams(i, j, k)

    # -- the search --------------------------------------------------------------------------

    def run(
        self,
        deadline: float,
        max_iterations: int | None = None,
        on_progress: Progress | None = None,
        progress_every: float = 0.5,
    ) -> tuple[Rounds | None, int | None]:
        """Anneal until the deadline (``time.perf_counter()`` value) or the iteration cap.

        Returns the best feasible schedule and its distance (None if none was found).
        """
        rng = self.rng
        start = time.perf_counter()
        budget = max(deadline - start, 1e-3)
        cur_dist, cur_viol = self.totals()
        best_dist: int | None = cur_dist if cur_viol == 0 else None
        best_rows = [bytearray(r) for r in self.rows] if cur_viol == 0 else None
        t0 = self._initial_temperature() * self.t0_scale
        t_end = t0 / self.t_ratio
        weight = t0
        temp = t0
        cycle_start, cycle_len = start, budget
        cycle_it, cycle_iters = 0, max_iterations or 1
        since_best = 0
        next_report = start + progress_every
        it = 0
        dist, viol = self.team_dist, self.team_viol
        while True:
            if it & 255 == 0:
                now = time.perf_counter()
                if now >= deadline or (max_iterations is not None and it >= max_iterations):
                    break
                frac = min(1.0, (now - cycle_start) / cycle_len)
                if max_iterations is not None:
                    frac = max(frac, min(1.0, (it - cycle_it) / max(1, cycle_iters)))
                temp = t0 * (t_end / t0) ** frac
                if frac >= 1.0 or since_best > 40_000 * self.n:
                    # Reheat from the best schedule with a shorter, cooler cycle.
                    self.stats.reheats += 1
                    if best_rows is not None:
                        self._load(best_rows)
                        cur_dist, cur_viol = self.totals()
                    cycle_start, cycle_len = now, max((deadline - now) / 2, budget / 8)
                    if max_iterations is not None:
                        cycle_it = it
                        cycle_iters = max((max_iterations - it) // 2, max_iterations // 8)
                    t0 = max(t0 / 2, t_end * 5)
                    since_best = 0
                if on_progress is not None and now >= next_report:
                    on_progress(best_dist, cur_viol, now - start)
                    next_report = now + progress_every
                if it & 1023 == 0:
                    # Strategic oscillation: hover at the feasibility boundary.
                    weight = weight * _WEIGHT_STEP if cur_viol else max(weight / _WEIGHT_STEP, 1.0)
            it += 1
            since_best += 1
            new = self.random_move()
            if new is None:
                continue
            dd = dv = 0
            costs = {}
            for t, row in new.items():
                c = self.row_cost(t, row)
                costs[t] = c
                dd += c[0] - dist[t]
                dv += c[1] - viol[t]
            delta = dd + weight * dv
            if delta > 0 and rng.random() >= math.exp(-delta / temp):
                continue
            self.stats.accepted += 1
            for t, row in new.items():
                self.rows[t] = row
                dist[t], viol[t] = costs[t]
            cur_dist += dd
            cur_viol += dv
            if cur_viol == 0 and (best_dist is None or cur_dist < best_dist):
                best_dist = cur_dist
                best_rows = [bytearray(r) for r in self.rows]
                since_best = 0
        self.stats.iterations = it
        if best_rows is None:
            return None, None
        return rounds_from_rows(self.n, best_rows), best_dist

    def _load(self, rows: list[bytearray]) -> None:
        self.rows = [bytearray(r) for r in rows]
        for t in range(self.n):
            self.team_dist[t], self.team_viol[t] = self.row_cost(t, self.rows[t])

    def _initial_temperature(self) -> float:
        """A temperature at which a typical worsening travel move is accepted ~half the time."""
        deltas: list[int] = []
        for _ in range(200):
            new = self.random_move()
            if new is None:
                continue
            dd = sum(self.row_cost(t, row)[0] - self.team_dist[t] for t, row in new.items())
            if dd > 0:
                deltas.append(dd)
        if not deltas:
            return 1.0
        deltas.sort()
        return max(deltas[len(deltas) // 2] / math.log(2), 1e-3)
