"""The "Generate" job: the season solver in a worker thread, progress written as it goes.

The solver is pure and CPU-bound, so it runs in a thread (`asyncio.to_thread`) while this
coroutine stays on the event loop: every half second it writes the best objective so far to
the run row (and publishes `league.progress`) and reads the run's cancel flag, which it
passes to the solver through a `threading.Event`. No transaction is open while the solver
works, so the job never holds SQLite's write lock for longer than one progress write.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from contextlib import suppress

from cadence.jobs import JobRun, handler
from cadence.leagues import build, runs, solver
from cadence.leagues.models import LeagueRun, LeagueSeason
from cadence.solve.season import SeasonProgress, SeasonResult

log = logging.getLogger("cadence.leagues")
POLL_SECONDS = 0.5


async def _begin(job: JobRun, run_id: str) -> tuple[build.Built, float, int] | None:
    """Mark the run running and load its season; None when there is nothing to do."""
    async with job.unit_of_work() as ctx:
        run = await ctx.session.get(LeagueRun, run_id)
        if run is None or run.status not in runs.ACTIVE:
            return None
        season = await ctx.session.get(LeagueSeason, run.season_id)
        if season is None or run.cancel_requested:
            run.status, run.finished_at = "cancelled", ctx.now()
            await runs.announce(ctx, run)
            return None
        run.status, run.started_at = "running", ctx.now()
        run.best_hard = run.best_cost = None
        built = await build.load(ctx, season)
        await runs.announce(ctx, run)
        return built, run.time_limit, run.seed


async def _report(
    job: JobRun, run_id: str, best: SeasonProgress | None, stop: threading.Event
) -> None:
    async with job.unit_of_work() as ctx:
        run = await ctx.session.get(LeagueRun, run_id)
        if run is None:
            stop.set()
            return
        if run.cancel_requested:
            stop.set()
        if best is not None and (run.best_hard, run.best_cost, run.elapsed) != (
            best.hard,
            best.cost,
            best.elapsed,
        ):
            run.best_hard, run.best_cost, run.elapsed = best.hard, best.cost, best.elapsed
            await runs.announce(ctx, run)


async def _finish(
    job: JobRun, run_id: str, built: build.Built, result: SeasonResult | None, error: str | None
) -> None:
    async with job.unit_of_work(complete=True) as ctx:
        run = await ctx.session.get(LeagueRun, run_id)
        if run is None:
            return
        run.finished_at = ctx.now()
        if result is None:
            run.status, run.error = "failed", error
        else:
            run.status = "cancelled" if run.cancel_requested else "done"
            ids = [t.id for t in built.teams]
            run.games = [[ids[h], ids[a], s] for h, a, s in result.games]
            run.best_hard, run.best_cost = result.evaluation.hard, result.evaluation.cost
            run.elapsed = result.elapsed
        await runs.announce(ctx, run)


@handler(runs.JOB, max_attempts=2)
async def generate(job: JobRun) -> None:
    run_id = str(job.payload["run_id"])
    begun = await _begin(job, run_id)
    if begun is None:
        return
    built, time_limit, seed = begun
    stop = threading.Event()
    latest: list[SeasonProgress] = []
    task = asyncio.ensure_future(
        asyncio.to_thread(
            solver.solve,
            built.model,
            time_limit=time_limit,
            seed=seed,
            on_progress=latest.append,
            should_stop=stop.is_set,
        )
    )
    try:
        while not task.done():
            await asyncio.wait({task}, timeout=POLL_SECONDS)
            await _report(job, run_id, latest[-1] if latest else None, stop)
    except BaseException:
        stop.set()  # shutting down: let the thread end at its next check
        with suppress(BaseException):
            await task
        raise
    if task.exception() is not None:
        exc = task.exception()
        log.error("league solver failed", exc_info=exc, extra={"run_id": run_id})
        await _finish(job, run_id, built, None, f"{type(exc).__name__}: {exc}")
        return
    await _finish(job, run_id, built, task.result(), None)
