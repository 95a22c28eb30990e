"""`cadence season generate SEASON_ID`: run a season's solver from the shell, with a bar.

The same run row as the web's "Generate" is written (so the run shows on the season page
and can be applied there), but the solver runs in the foreground with the benchmark
commands' progress bar on stderr; stdout's last line is `hard=H cost=C run=ID`.
"""

from __future__ import annotations

import asyncio

import click

from cadence.clock import SystemClock
from cadence.context import unit_of_work
from cadence.db import create_engine, make_sessionmaker
from cadence.errors import CadenceError, NotFound
from cadence.leagues import build, runs, solver
from cadence.leagues.models import LeagueRun, LeagueSeason
from cadence.settings import Settings
from cadence.solve.progress import ProgressReporter
from cadence.solve.season import SeasonProgress


@click.group()
def season() -> None:
    """League seasons stored in Cadence."""


async def _generate(season_id: str, time_limit: float, seed: int, apply: bool) -> str:
    settings = Settings()
    engine = create_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    try:
        async with unit_of_work(sessions, settings, SystemClock()) as ctx:
            row = await ctx.session.get(LeagueSeason, season_id)
            if row is None:
                raise NotFound("No such season.")
            built = await build.load(ctx, row)
            runs.check_ready(built)
        with ProgressReporter(f"season {built.season.name}", time_limit) as progress:

            def report(p: SeasonProgress) -> None:
                progress.update(f"hard={p.hard} cost={p.cost}", p.elapsed)

            result = await asyncio.to_thread(
                solver.solve, built.model, time_limit=time_limit, seed=seed, on_progress=report
            )
            progress.update(
                f"hard={result.evaluation.hard} cost={result.evaluation.cost} done", result.elapsed
            )
        async with unit_of_work(sessions, settings, SystemClock()) as ctx:
            ids = [t.id for t in built.teams]
            run = LeagueRun(
                org_id=built.season.org_id,
                season_id=built.season.id,
                status="done",
                seed=seed,
                time_limit=time_limit,
                cancel_requested=False,
                best_hard=result.evaluation.hard,
                best_cost=result.evaluation.cost,
                elapsed=result.elapsed,
                games=[[ids[h], ids[a], s] for h, a, s in result.games],
                created_at=ctx.now(),
                started_at=ctx.now(),
                finished_at=ctx.now(),
            )
            ctx.session.add(run)
            await ctx.session.flush()
            if apply:
                fresh = await ctx.session.get(LeagueSeason, season_id)
                assert fresh is not None
                await runs.apply_run(ctx, fresh, run)
        return f"hard={result.evaluation.hard} cost={result.evaluation.cost} run={run.id}"
    finally:
        await engine.dispose()


@season.command()
@click.argument("season_id")
@click.option("--time-limit", type=float, default=10.0, show_default=True, help="Seconds.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--apply", is_flag=True, help="Make the result the season's schedule.")
def generate(season_id: str, time_limit: float, seed: int, apply: bool) -> None:
    """Generate a schedule for SEASON_ID (see the season page's URL for its id)."""
    try:
        click.echo(asyncio.run(_generate(season_id, time_limit, seed, apply)))
    except CadenceError as exc:
        raise click.ClickException(exc.detail) from exc
