"""Simulated annealing for the TTP, after Anagnostopoulos, Michel, Van Hentenryck & Vergados
(TTSA, 2006): the five neighbourhoods of :mod:`cadence.solve.ttp.moves`, hard-rule
violations priced by an adaptive weight (strategic oscillation), reheats from the best
schedule.

This is the driver: the moves run in compiled chunks (:mod:`cadence.solve.ttp.kernel`);
between chunks it reads the clock, sets the temperature, decides on reheats and reports
progress. Decision records: ``docs/decisions/0011-ttp-annealer.md`` (search control),
``docs/decisions/0014-compiled-ttp-annealer.md`` (why compiled, what it measured).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cadence.solve.ttp import kernel
from cadence.solve.ttp.encoding import (
    circle_schedule,
    leg_table,
    positions,
    rounds_from_rows,
)
from cadence.solve.ttp.kernel import (
    ACCEPTED,
    BEST_DIST,
    CUR_DIST,
    CUR_VIOL,
    NO_BEST,
    SINCE_BEST,
    WEIGHT_PERIOD,
)
from cadence.solve.ttp.model import Rounds, TTPInstance
from cadence.solve.ttp.moves import full_cost, split

WEIGHT_STEP = 1.01  # strategic oscillation factor, applied every WEIGHT_PERIOD moves
# (decision 0014, round 5: 1.05 -> 1.01 took NL10 at 30M moves from median 62615 to 61084)
_T_RATIO = 30.0  # initial / final temperature of a cooling cycle
_STALL = 1_000_000  # moves per team without a new best before a reheat (decision 0014:
# 40 000, tuned for 50k moves/s, reheated every 0.3 s at compiled speed)
_FIRST_CYCLE = 1.0  # share of the budget for the first cooling cycle
_CHUNK_TEAMS = 160  # a compiled call makes WEIGHT_PERIOD * max(1, 160 // n) moves: a few ms

_MIX = (0.2, 0.4, 0.6, 0.8)
"""Cumulative probabilities of SwapHomes, SwapRounds, SwapTeams, PartialSwapRounds (the
rest: PartialSwapTeams): uniform, as in TTSA (decision 0011 measured the alternatives)."""

Progress = Callable[[int | None, int, float], None]
"""Called with (best feasible distance or None, current violations, elapsed seconds)."""


@dataclass
class AnnealStats:
    iterations: int = 0
    accepted: int = 0
    reheats: int = 0


class Annealer:
    """One annealing run on one instance; deterministic for a given seed and move count."""

    def __init__(
        self,
        instance: TTPInstance,
        seed: int,
        *,
        t0_scale: float = 1.0,
        t_ratio: float = _T_RATIO,
        stall: int = _STALL,
        first_cycle: float = _FIRST_CYCLE,
        weight_step: float = WEIGHT_STEP,
    ) -> None:
        self.first_cycle = first_cycle
        self.t0_scale = t0_scale
        self.t_ratio = t_ratio
        self.stall = stall
        self.n = n = instance.n
        nr = instance.n_rounds
        perm = list(range(n))
        random.Random(seed).shuffle(perm)
        self.rows = circle_schedule(n, perm)
        self.pos = positions(self.rows)
        self.tab = leg_table(instance)
        self.window = instance.max_streak + 1
        self.rng = np.array([seed % (1 << 64)], dtype=np.uint64)
        self.cum = np.array(_MIX, dtype=np.float64)
        self.plan = np.zeros((4 * nr + 2 * n, 4), dtype=np.int64)
        self.acc = np.zeros(2, dtype=np.int64)
        self.group = np.zeros(n, dtype=np.int64)
        self.seen = np.zeros(n, dtype=np.int64)
        self.chain = np.zeros(nr, dtype=np.int64)
        self.best = self.rows.copy()
        self.st = np.zeros(5, dtype=np.int64)
        self.fl = np.array([1.0, weight_step])
        self.stats = AnnealStats()
        self._sync()

    def _sync(self) -> None:
        """Recount the current schedule's totals (after a start or a reheat)."""
        self.pos = positions(self.rows)
        dist, viol = self.totals()
        self.st[CUR_DIST] = dist
        self.st[CUR_VIOL] = viol

    def totals(self) -> tuple[int, int]:
        """(travel, violations) of the current schedule, recounted from scratch."""
        out = np.zeros(2, dtype=np.int64)
        full_cost(self.rows, self.tab, self.window, out)
        travel, repeaters = split(int(out[0]))
        return travel, repeaters + int(out[1])

    def schedule(self) -> Rounds:
        return rounds_from_rows(self.rows)

    def _chunk(self, moves: int, temp: float) -> None:
        kernel.anneal_chunk(
            self.rng, self.cum, self.rows, self.pos, self.tab, self.window, self.plan,
            self.acc, self.group, self.seen, self.chain, self.best, self.st, self.fl,
            moves, temp,
        )  # fmt: skip

    def run(
        self,
        deadline: float,
        max_iterations: int | None = None,
        on_progress: Progress | None = None,
        progress_every: float = 0.5,
    ) -> tuple[Rounds | None, int | None]:
        """Anneal until the deadline (``time.perf_counter()`` value) or the move cap.

        Returns the best feasible schedule and its distance (None if none was found).
        """
        st = self.st
        start = time.perf_counter()
        budget = max(deadline - start, 1e-3)
        if st[CUR_VIOL] == 0:
            st[BEST_DIST] = st[CUR_DIST]
            self.best[:, :] = self.rows
        else:
            st[BEST_DIST] = NO_BEST
        t0 = self._initial_temperature() * self.t0_scale
        t_end = t0 / self.t_ratio
        self.fl[0] = t0
        cycle_start, cycle_len = start, budget * self.first_cycle
        cycle_it, cycle_iters = 0, int((max_iterations or 1) * self.first_cycle) or 1
        stall = self.stall * self.n
        chunk = WEIGHT_PERIOD * max(1, _CHUNK_TEAMS // self.n)  # ms apart: deadline kept
        next_report = start + progress_every
        it = 0
        while True:
            now = time.perf_counter()
            if now >= deadline or (max_iterations is not None and it >= max_iterations):
                break
            if max_iterations is None:
                frac = min(1.0, (now - cycle_start) / cycle_len)
            else:  # by moves only, so that a seed replays exactly whatever the load
                frac = min(1.0, (it - cycle_it) / max(1, cycle_iters))
            if frac >= 1.0 or st[SINCE_BEST] > stall:
                # Reheat from the best schedule with a shorter, cooler cycle.
                self.stats.reheats += 1
                if st[BEST_DIST] != NO_BEST:
                    self.rows[:, :] = self.best
                    self._sync()
                cycle_start, cycle_len = now, max((deadline - now) / 2, budget / 8)
                if max_iterations is not None:
                    cycle_it = it
                    cycle_iters = max((max_iterations - it) // 2, max_iterations // 8)
                t0 = max(t0 / 2, t_end * 5)
                st[SINCE_BEST] = 0
                frac = 0.0
            if on_progress is not None and now >= next_report:
                on_progress(self._best(), int(st[CUR_VIOL]), now - start)
                next_report = now + progress_every
            moves = chunk if max_iterations is None else min(chunk, max_iterations - it)
            self._chunk(moves, t0 * (t_end / t0) ** frac)
            it += moves
        self.stats.iterations = it
        self.stats.accepted = int(st[ACCEPTED])
        best = self._best()
        if best is None:
            return None, None
        return rounds_from_rows(self.best), best

    def _best(self) -> int | None:
        value = int(self.st[BEST_DIST])
        return None if value == NO_BEST else value

    def _initial_temperature(self) -> float:
        """A temperature at which a typical worsening travel move is accepted ~half the time."""
        out = np.zeros(200, dtype=np.int64)
        valid = kernel.probe(
            self.rng, self.cum, self.rows, self.pos, self.tab, self.window, self.plan,
            self.acc, self.group, self.seen, self.chain, len(out), out,
        )  # fmt: skip
        deltas = sorted(int(d) for d in out[:valid] if d > 0)
        if not deltas:
            return 1.0
        return max(deltas[len(deltas) // 2] / math.log(2), 1e-3)


def warm_up() -> float:
    """Load (or, on a machine's first run, compile) the kernels; seconds spent.

    Called before a helper process is forked, so that the compiled code is inherited
    rather than loaded twice.
    """
    began = time.perf_counter()
    inst = TTPInstance(distance=((0, 1, 1, 1), (1, 0, 1, 1), (1, 1, 0, 1), (1, 1, 1, 0)))
    Annealer(inst, 0).run(time.perf_counter() + 60.0, max_iterations=WEIGHT_PERIOD)
    return time.perf_counter() - began
