"""Benchmark the product's season solver (``solve_season``) on TTP instances and one league
with the product's other rules; print a markdown table.

    .venv/bin/python bench/solve/season.py NL8 NL10 --time-limit 60 --seeds 1 2 3

A TTP instance becomes a ``Season`` with the TTP's rules: a compact double round robin over
``2(n - 1)`` slots (neither phased nor mirrored), at most three home or away games in a row
and no repeaters as hard rules, and ``travel_total`` (weight 1) as the only soft rule, so the
season's cost is its travel. ``PRODUCT`` (add it to the instance list, e.g. ``NL10 PRODUCT``)
is the NL10 grounds as a league with the product's defaults and more rules: phased halves,
a fixed opening game, a ground closed for two slots, a team that cannot host one slot, a
hard break limit and a soft one, and travel fairness.

Every result is re-checked in this process: ``evaluate_season`` must agree with the
solver's evaluation, the schedule must meet every hard rule, and for the TTP instances the
TTP package's own evaluator must find the same travel and a feasible TTP schedule. Any
disagreement stops the benchmark (exit status 1).

Runs are sequential in this process (the machine is shared); run it under ``nice``. Each
row gives the median and best figures, the gap of the median to the TTP's best known value,
the slowest run's wall time, whether every run stayed reproducible (its deterministic
budget, not the wall clock, ended it) and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from cadence.solve.season import (
    Rule,
    Season,
    SeasonResult,
    evaluate_season,
    solve_season,
)
from cadence.solve.season.ttp_rules import TTP_RULES, ttp_season
from cadence.solve.ttp import evaluate as evaluate_ttp
from cadence.solve.ttp import read_instance as read_ttp

sys.path.insert(0, str(Path(__file__).parent))
from run import BEST_TTP, ttp_instance


def product_season(distances: tuple[tuple[int, ...], ...]) -> Season:
    """A league with the product's defaults (phased halves) and a mix of its rules."""
    season = ttp_season(distances)
    return Season(
        teams=season.teams,
        slots=season.slots,
        venues=season.venues,
        distances=season.distances,
        rules=(
            *TTP_RULES[:3],
            Rule("fixed_game", home=0, away=1, slots=(0,)),
            Rule("venue_unavailable", venue=2, slots=(3, 4)),
            Rule("team_unavailable", teams=(5,), slots=(7,), value=1),
            Rule("max_breaks_per_team", value=6),
            Rule("max_breaks_total", hard=False, weight=200, value=30),
            Rule("travel_total", hard=False),
            Rule("travel_fairness", hard=False, weight=2, value=2000),
        ),
    )


def check(name: str, season: Season, result: SeasonResult, ttp_file: Path | None) -> None:
    """Stop the benchmark on any hard violation or figure that disagrees."""
    again = evaluate_season(season, result.games)
    problems = []
    if again != result.evaluation:
        problems.append("evaluate_season disagrees with the solver's evaluation")
    if again.hard or again.structure_errors:
        problems.append(f"hard violations: {again.hard} {again.structure_errors[:2]}")
    if ttp_file is not None:
        inst = read_ttp(ttp_file)
        rounds = [
            [(h, a) for h, a, s in sorted(result.games) if s == slot]
            for slot in range(len(season.slots))
        ]
        ttp = evaluate_ttp(inst, rounds)
        if not ttp.feasible or ttp.distance != sum(again.travel) or ttp.distance != again.cost:
            problems.append(f"TTP evaluator: {ttp}, season travel {sum(again.travel)}")
    if problems:
        raise SystemExit(f"{name} seed {result.seed}: INVALID: {'; '.join(problems)}")


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("instances", nargs="+", help="TTP names (NL8, CIRC10, ...) or PRODUCT")
    p.add_argument("--time-limit", type=float, default=60.0)
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    p.add_argument("--work-limit", type=float, default=None, help="deterministic seconds")
    args = p.parse_args()
    print(f"started {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, load {load()}")
    print(
        "| instance | best known | limit s | runs | median travel | best travel | median gap "
        "| median cost | slowest wall s | reproducible | load before/after |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for name in args.instances:
        product = name == "PRODUCT"
        src = ttp_instance("NL10" if product else name, Path("/nonexistent"))
        dist = read_ttp(src).distance
        season = product_season(dist) if product else ttp_season(dist)
        before = load()
        results = []
        for seed in args.seeds:
            began = time.perf_counter()
            result = solve_season(
                season, time_limit=args.time_limit, seed=seed, work_limit=args.work_limit
            )
            wall = time.perf_counter() - began
            check(name, season, result, None if product else src)
            results.append((result, wall))
        travel = [sum(r.evaluation.travel) for r, _ in results]
        cost = [r.evaluation.cost for r, _ in results]
        med, bk = statistics.median(travel), None if product else BEST_TTP.get(name)
        gap = f"{100 * (med - bk) / bk:.2f}%" if bk else "-"
        same = "yes" if all(r.reproducible for r, _ in results) else "no"
        print(
            f"| {name} | {bk or '-'} | {args.time_limit:g} | {len(results)} | {med:g} | "
            f"{min(travel)} | {gap} | {statistics.median(cost):g} | "
            f"{max(w for _, w in results):.1f} | {same} | {before}/{load()} |",
            flush=True,
        )
    print(f"ended {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, load {load()}")


if __name__ == "__main__":
    main()
