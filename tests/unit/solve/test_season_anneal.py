"""The season annealer: its incremental prices are the evaluator's, it finds a small league's
optimum, it replays for a seed, and the solver that uses it honours hard rules.

Budgets are deterministic work (no timing asserts); the kernels are loaded once per process.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from cadence.solve.season import (
    Game,
    Rule,
    Season,
    SeasonEvaluation,
    Slot,
    Team,
    Venue,
    evaluate_season,
    solve_season,
)
from cadence.solve.season.anneal import MIX, anneal, arrays
from cadence.solve.season.edits import swap_home_away
from cadence.solve.season.encoding import tables, to_games, to_rows
from cadence.solve.season.kernel import ACCEPTED, CUR_COST, CUR_HARD, anneal_chunk
from cadence.solve.season.pricing import clashes
from cadence.solve.season.roundrobin import start_schedule
from cadence.solve.season.ttp_rules import TTP_RULES, ttp_season

NL4 = ((0, 745, 665, 929), (745, 0, 80, 337), (665, 80, 0, 380), (929, 337, 380, 0))
"""The TTP's NL4 distances; its optimum (8276) is proven (RobinX)."""
GROUNDS = tuple(
    Venue(f"Ground {i}", 50.0 + (i * 37 % 23) / 8.0, 4.0 + (i * 53 % 29) / 6.0) for i in range(12)
)


def every_rule(n: int, **shape: bool) -> Season:
    """A league with every rule kind, hard and soft, dated slots and a shared ground."""
    ns = 2 * (n - 1)
    saturday = datetime(2026, 3, 7, 15, tzinfo=UTC)
    days = [saturday + timedelta(days=3 * s + (s % 3 == 0)) for s in range(ns)]
    rules = (
        Rule("max_consecutive_home", value=2),
        Rule("max_consecutive_away", hard=False, weight=7, value=2, teams=(1, 2)),
        Rule("no_repeaters", teams=(0, 3)),
        Rule("max_breaks_per_team", hard=False, weight=5, value=2, slots=tuple(range(ns // 2))),
        Rule("max_breaks_total", hard=False, weight=11, value=n),
        Rule("fixed_game", home=0, away=1, slots=(0, 1)),
        Rule("forbidden_game", hard=False, weight=13, home=2, away=3, slots=(0, 1, 2)),
        Rule("home_away_balance", hard=False, weight=3, value=1, slots=(0, 1, 2, 3, 4)),
        Rule("min_gap_between_meetings", hard=False, weight=10, value=3),
        Rule("team_unavailable", teams=(4,), slots=(3,), value=1),
        Rule("team_unavailable", hard=False, weight=17, teams=(3,), slots=(2, 5), value=0),
        Rule("venue_unavailable", venue=5, slots=(5,)),
        Rule("min_rest_days", hard=False, weight=19, value=4, teams=(0, 2, 4)),
        Rule("travel_total", hard=False, value=1000),
        Rule("travel_fairness", hard=False, weight=2),
    )
    teams = tuple(Team(f"T{i}", venue=0 if i == 1 else i) for i in range(n))
    return Season(
        teams=teams,
        slots=tuple(Slot(d) for d in days),
        venues=GROUNDS[:n],
        rules=rules,
        **shape,
    )


def kernel_price(season: Season, games: list[Game]) -> tuple[int, int]:
    """(hard, cost) as the kernels price the whole schedule."""
    rows = to_rows(season, games)
    assert rows is not None
    a = arrays(season, rows)
    return int(a.out[0]), int(a.out[1])


@pytest.mark.parametrize(
    "shape",
    [{}, {"phased": False}, {"mirrored": True}, {"shared_venues_clash": False}],
)
def test_incremental_prices_are_the_evaluators(shape: dict[str, bool]) -> None:
    """Every rule kind, on random schedules with random venues, priced by the kernels and by
    the independent evaluator (shared-ground clashes are the only structure errors)."""
    season = every_rule(8, **shape)
    rng = random.Random(5)
    for _ in range(40):
        games = start_schedule(season, rng, shuffle=True)
        assert games is not None
        for h, a, _ in rng.sample(games, 10):  # both meetings change hosts: still valid
            for k in [k for k, g in enumerate(games) if {g[0], g[1]} == {h, a}]:
                games = list(swap_home_away(games, k))
        ev = evaluate_season(season, games)
        assert all("hosts 2 games" in e for e in ev.structure_errors)
        assert kernel_price(season, games) == (ev.hard, ev.cost)
        if season.shared_venues_clash:
            rows = to_rows(season, games)
            assert rows is not None
            assert clashes(rows, tables(season).venue) == len(ev.structure_errors)


def odd_single(n: int) -> Season:
    """An odd league, single round robin, with a spare slot: byes everywhere."""
    rules = every_rule(n).rules
    return Season(
        teams=tuple(Team(f"T{i}", venue=i) for i in range(n)),
        slots=tuple(Slot() for _ in range(n + 1)),
        venues=GROUNDS[:n],
        double_round_robin=False,
        rules=tuple(r for r in rules if r.kind not in ("min_rest_days", "fixed_game")),
    )


@pytest.mark.parametrize(
    "season",
    [
        every_rule(8),
        every_rule(8, phased=False),
        every_rule(8, mirrored=True),
        every_rule(6, shared_venues_clash=False),
        odd_single(7),
    ],
    ids=["phased", "free", "mirrored", "no-clash", "odd-single"],
)
def test_running_prices_stay_exact_through_many_moves(season: Season) -> None:
    """The kernel's running (hard, cost), after thousands of accepted moves of every kind at
    a high temperature, is what the evaluator says of the schedule the moves made; and the
    moves kept it a valid round robin (shared-ground clashes are the only structure
    errors)."""
    start = start_schedule(season, random.Random(2))
    assert start is not None
    rows = to_rows(season, start)
    assert rows is not None
    a = arrays(season, rows)
    st = np.array([a.out[0], a.out[1], a.out[0], a.out[1], 0], np.int64)
    gen = np.array([7], np.uint64)
    cum = np.array(MIX, np.float64)
    fl = np.array([1.0, 1.01], np.float64)
    best = rows.copy()
    for _ in range(5):
        anneal_chunk(gen, cum, rows, a.tabs, a.shape, a.q, a.km, a.scratch, best, st, fl,
                     2048, 1e6)  # fmt: skip
        ev = evaluate_season(season, to_games(rows))
        assert (ev.hard, ev.cost) == (st[CUR_HARD], st[CUR_COST])
        assert all("hosts 2 games" in e for e in ev.structure_errors)
    assert st[ACCEPTED] > 5000


def run(
    season: Season, games: list[Game], seed: int, budget: float, *, strict: bool = False
) -> list[tuple[list[Game], SeasonEvaluation]]:
    found: list[tuple[list[Game], SeasonEvaluation]] = []
    anneal(
        season,
        games,
        random.Random(seed),
        budget=budget,
        stop=lambda: False,
        on_better=lambda g, ev: found.append((g, ev)),
        strict=strict,
    )
    return found


def test_nl4_reaches_the_optimum() -> None:
    season = ttp_season(NL4)
    start = start_schedule(season, random.Random(0))
    assert start is not None
    found = run(season, start, seed=1, budget=0.5)
    games, ev = found[-1]
    assert (ev.hard, ev.cost) == (0, 8276)
    assert evaluate_season(season, games) == ev


@pytest.mark.parametrize("strict", [False, True])
def test_every_schedule_handed_back_is_the_evaluators_and_better(strict: bool) -> None:
    """From a schedule that breaks hard rules, each schedule handed back is strictly better
    ((hard, cost) lexicographic), priced exactly as the evaluator prices it, a valid round
    robin; with the adaptive weight the last one meets every hard rule."""
    season = every_rule(8, mirrored=True)
    start = start_schedule(season, random.Random(3))
    assert start is not None
    first = evaluate_season(season, start)
    found = run(season, start, seed=2, budget=0.3, strict=strict)
    assert found
    prices = [(first.hard, first.cost)] + [(ev.hard, ev.cost) for _, ev in found]
    assert prices == sorted(prices, reverse=True) and len(set(prices)) == len(prices)
    for games, ev in found:
        assert evaluate_season(season, games) == ev
        assert not any("hosts 2 games" not in e for e in ev.structure_errors)
    if not strict:
        assert found[-1][1].hard == 0


def test_same_seed_same_schedules() -> None:
    season = every_rule(6)
    start = start_schedule(season, random.Random(1))
    assert start is not None
    first = run(season, start, seed=9, budget=0.2)
    again = run(season, start, seed=9, budget=0.2)
    other = run(season, start, seed=10, budget=0.2)
    assert first == again
    assert first != other


def test_the_solver_honours_a_fixed_game_and_a_closed_ground_and_replays() -> None:
    """Through ``solve_season`` (construction, annealing, LNS): the fixed games are played
    where they must be, the closed ground hosts nothing on its closed slots, and the same
    seed and work budget give the same schedule."""
    season = Season(
        teams=tuple(Team(f"T{i}", venue=i) for i in range(8)),
        slots=tuple(Slot() for _ in range(14)),
        venues=GROUNDS[:8],
        rules=(
            *TTP_RULES,
            Rule("fixed_game", home=0, away=1, slots=(0,)),
            Rule("fixed_game", home=3, away=2, slots=(12, 13)),
            Rule("venue_unavailable", venue=4, slots=(1, 2, 3, 8)),
            Rule("max_breaks_per_team", value=4),
        ),
    )
    result = solve_season(season, time_limit=60.0, seed=4, work_limit=1.0)
    assert result.status == "feasible"
    assert evaluate_season(season, result.games) == result.evaluation
    assert (0, 1, 0) in result.games
    assert any((3, 2, s) in result.games for s in (12, 13))
    assert not [g for g in result.games if g[0] == 4 and g[2] in (1, 2, 3, 8)]
    again = solve_season(season, time_limit=60.0, seed=4, work_limit=1.0)
    assert result.reproducible and again.reproducible
    assert again.games == result.games


def test_stop_ends_the_run_within_a_chunk() -> None:
    """``stop`` (the solver's cancellation and clock check) is asked after every chunk of
    moves: a run told to stop at the third question has charged three chunks, not its
    budget."""
    season = ttp_season(NL4)
    start = start_schedule(season, random.Random(0))
    assert start is not None
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) >= 3

    spent = anneal(
        season, start, random.Random(0), budget=100.0, stop=stop, on_better=lambda g, e: None
    )
    assert len(asked) == 3
    assert spent < 0.1
