"""`cadence league ...` commands: the benchmark front ends of the solve engine.

Contract: the result's key figure is always the last line of stdout; progress goes to stderr.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from cadence.solve.progress import ProgressReporter

_STARTUP_GRACE = 3.0
"""Seconds of interpreter start-up and ``cadence`` imports not charged to the time limit."""


def _process_age() -> float:
    """Seconds since this process started (Linux ``/proc``; 0 where unavailable)."""
    try:
        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return max(0.0, uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return 0.0


def _budget(time_limit: float, started: float) -> float:
    """What is left of the user's limit once start-up, imports and parsing are paid for.

    The whole process should finish within the limit plus a few seconds, so interpreter
    start-up beyond a small grace counts too (it takes several seconds on a loaded machine).
    """
    spent = max(time.perf_counter() - started, _process_age() - _STARTUP_GRACE)
    return max(0.1, time_limit - spent)


@click.group()
def league() -> None:
    """League scheduling solvers."""


@league.command()
@click.argument("instance", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--time-limit", type=float, required=True, help="Wall-clock seconds.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the JSON schedule here (default: stdout, before the distance line).",
)
def ttp(instance: Path, time_limit: float, seed: int, out: Path | None) -> None:
    """Solve a Travelling Tournament Problem instance (n x n distance matrix)."""
    started = time.perf_counter()
    from cadence.solve.ttp import read_instance, solve_ttp, to_json
    from cadence.solve.ttp.solver import InconsistentResult, NoFeasibleSchedule

    try:
        inst = read_instance(instance)
    except ValueError as exc:
        raise click.ClickException(f"{instance}: {exc}") from exc
    with ProgressReporter(f"ttp {inst.name}", time_limit) as progress:

        def report(best: int | None, violations: int, elapsed: float) -> None:
            shown = "-" if best is None else str(best)
            progress.update(f"best={shown} violations={violations}", elapsed)

        try:
            budget = _budget(time_limit, started)
            result = solve_ttp(inst, time_limit=budget, seed=seed, on_progress=report)
        except (NoFeasibleSchedule, InconsistentResult) as exc:
            raise click.ClickException(str(exc)) from exc
        progress.update(f"best={result.distance} done", result.elapsed)
    doc = to_json(inst, result.rounds, result.distance)
    if out is not None:
        out.write_text(doc + "\n")
    else:
        click.echo(doc)
    click.echo(str(result.distance))


@league.command()
@click.argument("instance", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--time-limit", type=float, required=True, help="Wall-clock seconds.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the RobinX solution XML here (default: stdout, before the summary line).",
)
def itc2021(instance: Path, time_limit: float, seed: int, out: Path | None) -> None:
    """Solve an ITC2021 (RobinX XML) instance."""
    started = time.perf_counter()
    from cadence.solve.itc2021 import read_instance, solution_xml, solve_itc2021
    from cadence.solve.itc2021.solver import InconsistentResult

    try:
        inst = read_instance(instance)
    except ValueError as exc:
        raise click.ClickException(f"{instance}: {exc}") from exc
    with ProgressReporter(f"itc2021 {inst.name}", time_limit) as progress:

        def report(hard: int, objective: int, elapsed: float) -> None:
            progress.update(f"hard={hard} objective={objective}", elapsed)

        try:
            budget = _budget(time_limit, started)
            result = solve_itc2021(inst, time_limit=budget, seed=seed, on_progress=report)
        except InconsistentResult as exc:
            raise click.ClickException(str(exc)) from exc
        progress.update(f"hard={result.hard} objective={result.objective} done", result.elapsed)
    doc = solution_xml(inst, result.games, result.evaluation)
    if out is not None:
        out.write_text(doc)
    else:
        sys.stdout.write(doc)
    click.echo(f"hard={result.hard} objective={result.objective}")
