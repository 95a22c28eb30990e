"""Entry point the product and the CLI call: search (beam search and annealing, one per
core), then prove the result with the evaluator.

Which search runs where (decision 0019): up to :data:`~cadence.solve.ttp.bounds.MAX_TEAMS`
teams, this process runs beam searches guided by the independent lower bounds and the helper
anneals (each wins on different instances: the beam on the circle instances and NL16, the
annealer on NL10); on larger leagues both anneal, with different violation-weight steps.
On one core the beam gets :data:`BEAM_SHARE` of the time and the annealer the rest.
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext, SpawnContext
from multiprocessing.process import BaseProcess

from cadence.solve.ttp import anneal, beam
from cadence.solve.ttp.anneal import WEIGHT_STEP, Annealer, Progress
from cadence.solve.ttp.beam import widening_search
from cadence.solve.ttp.bounds import MAX_TEAMS
from cadence.solve.ttp.encoding import rounds_from_rows
from cadence.solve.ttp.evaluator import TTPEvaluation, evaluate
from cadence.solve.ttp.model import Rounds, TTPInstance


class InconsistentResult(RuntimeError):
    """The solver's own bookkeeping disagrees with the independent evaluator: a bug, never
    a schedule to publish."""


class NoFeasibleSchedule(RuntimeError):
    """No schedule meeting every hard rule was found within the time limit."""


@dataclass(frozen=True)
class TTPResult:
    rounds: Rounds
    distance: int
    evaluation: TTPEvaluation
    iterations: int
    elapsed: float


_HELPER_SEED = 1_000_003
"""Offset of the second process's seed, so that the two runs are independent."""

_HELPER_WEIGHT_STEP = 1.05
"""Where both processes anneal, the helper uses round 4's faster oscillation of the
violation weight: a portfolio, since 1.01 (the default) is better on NL10 but was worse on
CIRC10 (decision 0014)."""

BEAM_SHARE = 0.4
"""Share of the time the beam search gets when there is only one core."""
BEAM_TABLE_SECONDS = 4e-9
"""Seconds per cell and step of building the bound table (measured: 1.5 s at 16 teams)."""


def warm_up() -> float:
    """Load (or, on a machine's first run, compile) every kernel a run uses; seconds spent.
    ``make install`` calls it, so that no run spends its time limit compiling."""
    return anneal.warm_up() + beam.warm_up()


def _beam_fits(instance: TTPInstance, seconds: float) -> bool:
    """Beam search applies: the league is small enough for the bound table, and building it
    takes at most a quarter of the time there is."""
    n = instance.n
    if not 4 <= n <= MAX_TEAMS:
        return False
    return 4 * BEAM_TABLE_SECONDS * n * (1 << (n - 1)) * 3 * n * n <= seconds


def _anneal(
    instance: TTPInstance,
    seed: int,
    deadline: float,
    max_iterations: int | None,
    weight_step: float = _HELPER_WEIGHT_STEP,
) -> tuple[Rounds | None, int | None, int]:
    """The helper's annealing run until ``deadline`` (a ``time.perf_counter()`` value; the
    clock is system-wide on Linux, so the helper process can share it)."""
    annealer = Annealer(instance, seed, weight_step=weight_step)
    rounds, distance = annealer.run(deadline, max_iterations)
    return rounds, distance, annealer.stats.iterations


def _helper_main(
    conn: Connection,
    instance: TTPInstance,
    seed: int,
    deadline: float,
    max_iterations: int | None,
    weight_step: float,
) -> None:
    try:
        conn.send(_anneal(instance, seed, deadline, max_iterations, weight_step))
    finally:
        conn.close()


def _start_helper(
    instance: TTPInstance,
    seed: int,
    deadline: float,
    max_iterations: int | None,
    weight_step: float,
) -> tuple[BaseProcess, Connection] | None:
    """A second annealing run in a helper process (fork where available: no re-import)."""
    methods = multiprocessing.get_all_start_methods()
    ctx: ForkContext | SpawnContext = (
        multiprocessing.get_context("fork")
        if "fork" in methods
        else multiprocessing.get_context("spawn")
    )
    try:
        receiver, sender = ctx.Pipe(duplex=False)
        proc = ctx.Process(
            target=_helper_main,
            args=(sender, instance, seed, deadline, max_iterations, weight_step),
            daemon=True,
        )
        proc.start()
    except (OSError, ValueError):  # no process support here: run on one core
        return None
    sender.close()
    return proc, receiver


def _collect(
    helper: tuple[BaseProcess, Connection], wait: float
) -> tuple[Rounds | None, int | None, int]:
    """The helper's result if it arrives within ``wait`` seconds; the helper is always ended."""
    proc, receiver = helper
    result: tuple[Rounds | None, int | None, int] = (None, None, 0)
    try:
        if receiver.poll(max(0.0, wait)):
            result = receiver.recv()
    except (EOFError, OSError):  # the helper died: this run stands alone
        pass
    finally:
        receiver.close()
        if proc.is_alive():
            proc.terminate()
        proc.join(1.0)
    return result


class _MainSearch:
    """This process's share of a run: beam search and/or annealing, keeping the better."""

    def __init__(
        self, instance: TTPInstance, seed: int, start: float, on_progress: Progress | None
    ) -> None:
        self.instance = instance
        self.seed = seed
        self.start = start
        self.on_progress = on_progress
        self.rounds: Rounds | None = None
        self.distance: int | None = None
        self.work = 0  # annealing moves plus beam nodes

    def _keep(self, rounds: Rounds | None, distance: int | None) -> None:
        better = distance is not None and (self.distance is None or distance < self.distance)
        if rounds is not None and better:
            self.rounds, self.distance = rounds, distance

    def _report(self, best: int | None, violations: int, elapsed: float) -> None:
        if self.on_progress is not None:
            if self.distance is not None and (best is None or self.distance < best):
                best, violations = self.distance, 0
            self.on_progress(best, violations, elapsed)

    def beam(self, deadline: float, max_iterations: int | None, *, alone: bool) -> None:
        """Widening beam searches; alone (one core) they leave the annealer its share."""
        share = BEAM_SHARE if alone else 1.0
        until = self.start + (deadline - self.start) * share
        nodes = None if max_iterations is None else int(max_iterations * share)
        outcome = widening_search(
            self.instance,
            self.seed,
            until,
            max_nodes=nodes,
            on_best=lambda d: self._report(d, 0, time.perf_counter() - self.start),
        )
        self.work += outcome.nodes
        if outcome.best is not None:
            self._keep(rounds_from_rows(outcome.best.rows), outcome.best.distance)

    def anneal(self, deadline: float, max_iterations: int | None, weight_step: float) -> None:
        left = None if max_iterations is None else max(1, max_iterations - self.work)
        annealer = Annealer(self.instance, self.seed, weight_step=weight_step)
        rounds, distance = annealer.run(deadline, left, self._report)
        self.work += annealer.stats.iterations
        self._keep(rounds, distance)


def solve_ttp(
    instance: TTPInstance,
    *,
    time_limit: float,
    seed: int = 0,
    max_iterations: int | None = None,
    on_progress: Progress | None = None,
    workers: int = 2,
) -> TTPResult:
    """Best schedule found within ``time_limit`` seconds (wall clock, from this call).

    With ``max_iterations`` set and a generous time limit the run is fully reproducible for a
    given seed (the temperature then follows the move count); with a time limit only, the
    temperature follows the clock, so the same seed starts alike and then depends on the
    machine's speed and load.

    The limit includes loading the compiled kernels (about 2 s; on a machine's first run,
    compiling them: 10-15 s, which may overrun a short limit, see decision 0014).

    ``workers=2`` runs a second, independent search in a helper process on the other core
    (module doc) and keeps the better schedule (ties: this process's); both are fully
    deterministic for a given seed and iteration cap (the beam then counts its nodes
    against the cap).
    """
    start = time.perf_counter()
    # Keep a little headroom for the final evaluation and the caller's output.
    deadline = start + max(0.05, time_limit * 0.97 - 0.05)
    warm_up()  # inside the limit: compiled once per machine, then loaded from the cache
    beams = _beam_fits(instance, deadline - start)
    helper = None
    helper_step = WEIGHT_STEP if beams else _HELPER_WEIGHT_STEP
    if workers > 1 and time_limit >= 1.0:
        helper = _start_helper(instance, seed + _HELPER_SEED, deadline, max_iterations, helper_step)
    search = _MainSearch(instance, seed, start, on_progress)
    if beams:
        search.beam(deadline, max_iterations, alone=helper is None)
    if search.distance is None or helper is None:
        # Beside an annealing helper, this process takes the portfolio's other weight step.
        own_step = _HELPER_WEIGHT_STEP if helper is not None and beams else WEIGHT_STEP
        search.anneal(deadline, max_iterations, own_step)
    rounds, distance, iterations = search.rounds, search.distance, search.work
    if helper is not None:
        # With an iteration cap the helper may lag (it is reproducible only if awaited).
        grace = time_limit if max_iterations is not None else 0.5
        wait = max(0.0, deadline - time.perf_counter()) + grace
        h_rounds, h_distance, h_iterations = _collect(helper, wait)
        iterations += h_iterations
        better = distance is None or (h_distance is not None and h_distance < distance)
        if h_rounds is not None and h_distance is not None and better:
            rounds, distance = h_rounds, h_distance
    if rounds is None or distance is None:
        raise NoFeasibleSchedule(f"no feasible schedule within {time_limit:g} s")
    check = evaluate(instance, rounds)
    if not check.feasible or check.distance != distance:
        raise InconsistentResult(
            f"solver claims distance {distance}, evaluator says {check.distance} "
            f"with violations {check.violations[:5]}"
        )
    return TTPResult(
        rounds=rounds,
        distance=distance,
        evaluation=check,
        iterations=iterations,
        elapsed=time.perf_counter() - start,
    )
