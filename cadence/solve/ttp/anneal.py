"""Simulated annealing for the TTP, after Anagnostopoulos, Michel, Van Hentenryck & Vergados
(TTSA, 2006): the five neighbourhoods of :mod:`cadence.solve.ttp.moves`, hard-rule
violations priced by an adaptive weight (strategic oscillation), reheats from the best
schedule. Decision record: ``docs/decisions/0011-ttp-annealer.md``.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from cadence.solve.ttp.model import Rounds, TTPInstance
from cadence.solve.ttp.moves import REPEAT, Move, Schedule, circle_schedule, rounds_from_rows, split

_WEIGHT_STEP = 1.05  # strategic oscillation factor, applied every 512 moves
_T_RATIO = 30.0  # initial / final temperature of a cooling cycle
_STALL = 40_000  # moves per team without a new best before a reheat
_FIRST_CYCLE = 1.0  # share of the budget for the first cooling cycle

Progress = Callable[[int | None, int, float], None]
"""Called with (best feasible distance or None, current violations, elapsed seconds)."""

# Cumulative probabilities of the neighbourhoods, in the order of ``random_move``: uniform,
# as in TTSA. Measured on NL10 (600k moves, seeds 1-2): uniform 63371, the previous mix with
# 8-10% SwapTeams 64800, fewer team swaps 66215 (SwapTeams, the dearest move, pays off).
_P_SWAP_HOMES = 0.2
_P_SWAP_ROUNDS = 0.4
_P_SWAP_TEAMS = 0.6
_P_PARTIAL_ROUNDS = 0.8


@dataclass
class AnnealStats:
    iterations: int = 0
    accepted: int = 0
    reheats: int = 0


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
        perm = list(range(n))
        self.rng.shuffle(perm)
        self.sched = Schedule(instance, circle_schedule(n, perm))
        self.stats = AnnealStats()

    def totals(self) -> tuple[int, int]:
        return self.sched.totals()

    def schedule(self) -> Rounds:
        return self.sched.rounds()

    def random_move(self) -> Move | None:
        rand, n, nr, s = self.rng.random, self.n, self.n_rounds, self.sched
        kind = rand()
        # Two distinct teams and two distinct rounds; cheaper than ``rng.sample``.
        i = int(rand() * n)
        j = int(rand() * (n - 1))
        j += j >= i
        if kind < _P_SWAP_HOMES:
            return s.swap_homes(i, j)
        k = int(rand() * nr) + 1
        m = int(rand() * (nr - 1)) + 1
        m += m >= k
        if kind < _P_SWAP_ROUNDS:
            return s.swap_rounds(k, m)
        if kind < _P_SWAP_TEAMS:
            return s.swap_teams(i, j)
        if kind < _P_PARTIAL_ROUNDS:
            return s.partial_swap_rounds(i, k, m)
        return s.partial_swap_teams(i, j, k)

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
        rng, sched = self.rng, self.sched
        rand, exp, random_move = rng.random, math.exp, self.random_move
        half = REPEAT // 2
        start = time.perf_counter()
        budget = max(deadline - start, 1e-3)
        cur_dist, cur_viol = sched.totals()
        best_dist: int | None = cur_dist if cur_viol == 0 else None
        best_rows = sched.snapshot() if cur_viol == 0 else None
        t0 = self._initial_temperature() * self.t0_scale
        t_end = t0 / self.t_ratio
        weight = t0
        temp = t0
        cycle_start, cycle_len = start, budget * _FIRST_CYCLE
        cycle_it, cycle_iters = 0, int((max_iterations or 1) * _FIRST_CYCLE) or 1
        since_best = 0
        stall = _STALL * self.n
        next_report = start + progress_every
        it = accepted = 0
        while True:
            if it & 511 == 0:
                now = time.perf_counter()
                if now >= deadline or (max_iterations is not None and it >= max_iterations):
                    break
                if max_iterations is None:
                    frac = min(1.0, (now - cycle_start) / cycle_len)
                else:  # by moves only, so that a seed replays exactly whatever the load
                    frac = min(1.0, (it - cycle_it) / max(1, cycle_iters))
                temp = t0 * (t_end / t0) ** frac
                if frac >= 1.0 or since_best > stall:
                    # Reheat from the best schedule with a shorter, cooler cycle.
                    self.stats.reheats += 1
                    if best_rows is not None:
                        sched.load(best_rows)
                        cur_dist, cur_viol = sched.totals()
                    cycle_start, cycle_len = now, max((deadline - now) / 2, budget / 8)
                    if max_iterations is not None:
                        cycle_it = it
                        cycle_iters = max((max_iterations - it) // 2, max_iterations // 8)
                    t0 = max(t0 / 2, t_end * 5)
                    since_best = 0
                if on_progress is not None and now >= next_report:
                    on_progress(best_dist, cur_viol, now - start)
                    next_report = now + progress_every
                # Strategic oscillation: hover at the feasibility boundary.
                weight = weight * _WEIGHT_STEP if cur_viol else max(weight / _WEIGHT_STEP, 1.0)
            it += 1
            since_best += 1
            move = random_move()
            if move is None:
                continue
            tot, ds, commit, rollback = move
            dr = (tot + half) // REPEAT
            dd = tot - dr * REPEAT
            dv = ds + dr
            delta = dd + weight * dv
            if delta > 0 and rand() >= exp(-delta / temp):
                rollback()
                continue
            accepted += 1
            commit()
            cur_dist += dd
            cur_viol += dv
            if cur_viol == 0 and (best_dist is None or cur_dist < best_dist):
                best_dist = cur_dist
                best_rows = sched.snapshot()
                since_best = 0
        self.stats.iterations = it
        self.stats.accepted = accepted
        if best_rows is None:
            return None, None
        return rounds_from_rows(self.n, best_rows), best_dist

    def _initial_temperature(self) -> float:
        """A temperature at which a typical worsening travel move is accepted ~half the time."""
        deltas: list[int] = []
        for _ in range(200):
            move = self.random_move()
            if move is not None:
                move[3]()
                dd, _ = split(move[0])
                if dd > 0:
                    deltas.append(dd)
        if not deltas:
            return 1.0
        deltas.sort()
        return max(deltas[len(deltas) // 2] / math.log(2), 1e-3)
