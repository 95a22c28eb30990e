"""The CP-SAT model prices any schedule exactly as the evaluator does, for every rule kind.

This is what lets the solver check each accepted schedule against the evaluator: random
seasons (odd and even team counts, spare slots, single and double, mirrored, dated slots)
with random rules, and random valid schedules fixed in the model.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from ortools.sat.python import cp_model

from cadence.solve.season import RULE_KINDS, Rule, Season, Slot, Team, Venue, evaluate_season
from cadence.solve.season.cpsat import SeasonModel
from cadence.solve.season.lns import fixed
from cadence.solve.season.roundrobin import start_schedule


def random_rule(rng: random.Random, kind: str, n: int, ns: int, nv: int) -> Rule:
    h, a = rng.sample(range(n), 2)
    value = rng.randint(0, 1) if kind == "team_unavailable" else rng.randint(0, 3)
    if kind.startswith("travel"):
        value = rng.choice([0, 50, 200])
    return Rule(
        kind,  # type: ignore[arg-type]
        hard=rng.random() < 0.5,
        weight=rng.randint(1, 5),
        teams=tuple(sorted(rng.sample(range(n), rng.randint(1, n)))) if rng.random() < 0.4 else (),
        slots=tuple(sorted(rng.sample(range(ns), rng.randint(1, ns))))
        if rng.random() < 0.4
        else (),
        value=value,
        home=h,
        away=a,
        venue=rng.randrange(nv),
    )


def random_season(rng: random.Random) -> Season:
    n = rng.randint(3, 7)
    double = rng.random() < 0.7
    ns = (n - 1 + n % 2) * (2 if double else 1) + rng.choice([0, 0, 1, 2])
    base = datetime(2026, 3, 7, tzinfo=UTC)
    dated = rng.random() < 0.6
    slots = tuple(
        Slot(base + timedelta(days=3 * s + rng.randint(0, 3)) if dated else None) for s in range(ns)
    )
    nv = rng.randint(1, n)
    venues = tuple(Venue(f"V{i}", 50 + rng.random(), 4 + rng.random()) for i in range(nv))
    kinds = rng.sample(RULE_KINDS, 4)
    return Season(
        teams=tuple(Team(f"T{i}", rng.randrange(nv)) for i in range(n)),
        slots=slots,
        venues=venues,
        double_round_robin=double,
        phased=rng.random() < 0.7,
        mirrored=double and rng.random() < 0.3,
        rules=tuple(random_rule(rng, k, n, ns, nv) for k in kinds),
        shared_venues_clash=False,  # random grounds are shared; circle schedules ignore that
    )


@pytest.mark.parametrize("seed", range(12))
def test_model_and_evaluator_agree_on_random_schedules(seed: int) -> None:
    rng = random.Random(seed)
    season = random_season(rng)
    games = start_schedule(season, rng, shuffle=True)
    assert games is not None
    ev = evaluate_season(season, games)
    assert ev.structure_errors == ()
    relaxed = SeasonModel(season, relax_hard=True)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(fixed(relaxed, games)) == cp_model.OPTIMAL
    assert relaxed.totals(solver) == (ev.hard, ev.cost)
    strict = SeasonModel(season, relax_hard=False)
    feasible = solver.solve(fixed(strict, games)) == cp_model.OPTIMAL
    assert feasible == (ev.hard == 0)
