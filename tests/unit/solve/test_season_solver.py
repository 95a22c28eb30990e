"""solve_season: feasible schedules for mixed rule sets, checked again by the evaluator;
cancellation, reproducibility, infeasible rule sets, progress.

Time limits are short on purpose (the machine is shared); each run is also bounded by the
solver's own deterministic budget.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from cadence.solve.season import (
    Rule,
    Season,
    SeasonProgress,
    SeasonResult,
    Slot,
    Team,
    Venue,
    evaluate_season,
    solve_season,
)

# Deterministic pseudo-random grounds within ~300 km (no RNG: the data must never change).
GROUNDS = tuple(
    Venue(f"Ground {i}", 50.0 + (i * 37 % 23) / 8.0, 4.0 + (i * 53 % 29) / 6.0) for i in range(12)
)


def league(n: int, *rules: Rule, mirrored: bool = False) -> Season:
    return Season(
        teams=tuple(Team(f"T{i}", venue=i) for i in range(n)),
        slots=tuple(Slot() for _ in range(2 * (n - 1))),
        venues=GROUNDS[:n],
        rules=rules,
        mirrored=mirrored,
    )


MIXED = (
    Rule("max_consecutive_home", value=3),
    Rule("max_consecutive_away", value=3),
    Rule("no_repeaters"),
    Rule("fixed_game", home=0, away=1, slots=(0,)),
    Rule("forbidden_game", home=2, away=3, slots=(0, 1, 2)),
    Rule("team_unavailable", teams=(4,), slots=(3,), value=1),
    Rule("venue_unavailable", venue=5, slots=(5,)),
    Rule("max_breaks_per_team", hard=False, weight=5, value=2),
    Rule("home_away_balance", hard=False, weight=3, value=1, slots=(0, 1, 2, 3, 4)),
    Rule("min_gap_between_meetings", hard=False, weight=10, value=3),
    Rule("travel_total", hard=False),
    Rule("travel_fairness", hard=False),
)


def assert_checked(season: Season, result: SeasonResult) -> None:
    """The result's evaluation is exactly what the independent evaluator says."""
    assert evaluate_season(season, result.games) == result.evaluation
    assert len(result.games) == len(season.teams) * (len(season.teams) - 1)


@pytest.mark.parametrize(("n", "time_limit"), [(6, 3.0), (10, 6.0)])
def test_mixed_double_round_robin_is_solved_to_hard_zero(n: int, time_limit: float) -> None:
    season = league(n, *MIXED)
    seen: list[SeasonProgress] = []
    result = solve_season(season, time_limit=time_limit, seed=1, on_progress=seen.append)
    assert result.status == "feasible"
    assert result.evaluation.hard == 0
    assert result.evaluation.structure_errors == ()
    assert result.elapsed <= time_limit + 1.0
    assert_checked(season, result)
    assert seen, "progress was reported"
    assert seen[-1].hard == 0
    assert seen[-1].cost == result.evaluation.cost
    gaps = [b.elapsed - a.elapsed for a, b in pairwise(seen)]
    # At most ~10 calls a second; only the final report of the last improvement may be sooner.
    assert all(g >= 0.09 for g in gaps[:-1])


def test_mirrored_single_and_odd_leagues() -> None:
    mirrored = league(6, Rule("max_breaks_total", hard=False, value=4), mirrored=True)
    result = solve_season(mirrored, time_limit=2.0, seed=0)
    assert result.evaluation.hard == 0
    assert_checked(mirrored, result)
    odd = Season(
        teams=tuple(Team(f"T{i}", venue=i) for i in range(5)),
        slots=(Slot(),) * 5,
        venues=GROUNDS[:5],
        double_round_robin=False,
        rules=(Rule("travel_total", hard=False), Rule("max_breaks_per_team", value=1)),
    )
    result = solve_season(odd, time_limit=2.0, seed=0)
    assert result.evaluation.hard == 0
    assert evaluate_season(odd, result.games) == result.evaluation
    assert len(result.games) == 10


def test_shared_ground() -> None:
    season = league(6, Rule("travel_total", hard=False), Rule("max_breaks_total", value=10))
    season = replace(season, teams=(Team("T0", 0), Team("T1", 0), *season.teams[2:]))
    result = solve_season(season, time_limit=2.0, seed=0)
    assert result.evaluation.hard == 0
    assert_checked(season, result)


def test_byes_and_rest_days() -> None:
    """Saturday and Sunday slots for six weekends; nobody plays twice in one weekend."""
    saturday = datetime(2026, 3, 7, 15, tzinfo=UTC)
    days = [saturday + timedelta(weeks=w, days=d) for w in range(6) for d in (0, 1)]
    season = Season(
        teams=tuple(Team(f"T{i}", venue=i) for i in range(4)),
        slots=tuple(Slot(d) for d in days),
        venues=GROUNDS[:4],
        rules=(Rule("min_rest_days", value=2), Rule("travel_total", hard=False)),
    )
    result = solve_season(season, time_limit=3.0, seed=0)
    assert result.evaluation.hard == 0
    assert_checked(season, result)


def test_same_seed_same_schedule() -> None:
    season = league(6, *MIXED)
    first = solve_season(season, time_limit=30.0, seed=7, work_limit=0.4)
    again = solve_season(season, time_limit=30.0, seed=7, work_limit=0.4)
    assert first.reproducible and again.reproducible
    assert first.games == again.games
    assert first.evaluation == again.evaluation


def test_cancel_returns_promptly_with_the_best_so_far() -> None:
    season = league(10, *MIXED)
    started = time.perf_counter()
    result = solve_season(
        season, time_limit=60.0, seed=0, should_stop=lambda: time.perf_counter() - started > 0.5
    )
    assert result.status == "cancelled"
    assert time.perf_counter() - started < 2.0
    assert not result.reproducible
    assert evaluate_season(season, result.games) == result.evaluation


@pytest.mark.parametrize(
    "rules",
    [
        # Four teams in six slots play every slot, so a team cannot sit one out.
        (Rule("team_unavailable", teams=(0,), slots=(0,)),),
        (
            Rule("fixed_game", home=0, away=1, slots=(0,)),
            Rule("forbidden_game", home=0, away=1, slots=(0,)),
            Rule("travel_total", hard=False),
        ),
    ],
)
def test_infeasible_rules_report_hard_violations(rules: tuple[Rule, ...]) -> None:
    season = league(4, *rules)
    result = solve_season(season, time_limit=2.0, seed=0)
    assert result.status == "infeasible"
    assert result.evaluation.hard == 1
    assert result.evaluation.structure_errors == ()
    assert_checked(season, result)


def test_too_few_slots_gives_an_empty_infeasible_result() -> None:
    season = Season(teams=tuple(Team(f"T{i}") for i in range(4)), slots=(Slot(),) * 3)
    result = solve_season(season, time_limit=1.0, seed=0)
    assert result.status == "infeasible"
    assert result.evaluation.structure_errors


def test_no_time_still_returns_a_complete_priced_schedule() -> None:
    season = league(10, *MIXED)
    result = solve_season(season, time_limit=0.05, seed=0)
    assert len(result.games) == 90
    assert evaluate_season(season, result.games) == result.evaluation
    assert result.evaluation.structure_errors == ()
    assert not result.reproducible


def test_cancelled_before_it_starts() -> None:
    season = league(6, *MIXED)
    result = solve_season(season, time_limit=10.0, seed=0, should_stop=lambda: True)
    assert result.status == "cancelled"
    assert result.elapsed < 0.5
    assert len(result.games) == 30
