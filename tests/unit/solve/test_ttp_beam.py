"""TTP beam search and its bound table: the bounds are true lower bounds from every state a
real schedule passes through, every beam schedule passes the evaluator, seeds replay."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from cadence.solve.ttp import TTPInstance, evaluate, parse_matrix, solve_ttp
from cadence.solve.ttp.beam import BeamSearch, widening_search
from cadence.solve.ttp.bounds import bound_table, compress, independent_lower_bound, state_of
from cadence.solve.ttp.encoding import rounds_from_rows
from cadence.solve.ttp.model import Rounds
from cadence.solve.ttp.solver import warm_up
from tests.unit.solve.ttp_cases import NL4, NL4_OPTIMAL, circ, random_instance


@pytest.fixture(scope="module", autouse=True)
def _compiled() -> None:
    warm_up()


def cheapest_tour(inst: TTPInstance, team: int) -> int:
    """Brute force: every order of the away venues, cut into trips of at most 3."""
    d = inst.distance
    others = [o for o in range(inst.n) if o != team]
    best = None
    for order in itertools.permutations(others):
        for cuts in itertools.product((0, 1), repeat=len(order) - 1):
            travel, here, run = 0, team, 0
            for k, venue in enumerate(order):
                if k and cuts[k - 1]:
                    travel, here, run = travel + d[here][team], team, 0
                travel, here, run = travel + d[here][venue], venue, run + 1
                if run > inst.max_streak:
                    break
            else:
                travel += d[here][team]
                best = travel if best is None else min(best, travel)
    assert best is not None
    return best


@pytest.mark.parametrize("inst", [parse_matrix(NL4), circ(6), random_instance(6, 3)])
def test_independent_lower_bound_is_every_teams_cheapest_tour(inst: TTPInstance) -> None:
    expected = sum(cheapest_tour(inst, t) for t in range(inst.n))
    assert independent_lower_bound(inst) == expected


def remaining_travel_never_below_the_bound(inst: TTPInstance, rounds: Rounds) -> None:
    """Walk a feasible schedule: at every round, each team's actual travel from there to the
    end is at least what the table says from its state (venue, streak, venues left)."""
    tab = bound_table(inst)
    d = inst.distance
    n = inst.n
    venues = [[t] + [0] * len(rounds) + [t] for t in range(n)]
    for r, games in enumerate(rounds, start=1):
        for h, a in games:
            venues[h][r] = h
            venues[a][r] = h
    for t in range(n):
        path = venues[t]
        streak = 0
        visit = ((1 << n) - 1) & ~(1 << t)
        for r in range(0, len(rounds) + 1):
            if r:
                here = path[r]
                if here == t:
                    streak = streak + 1 if streak > 0 else 1
                else:
                    streak = streak - 1 if streak < 0 else -1
                    visit &= ~(1 << here)
            left = sum(d[path[x]][path[x + 1]] for x in range(r, len(path) - 1))
            bound = int(tab[t, compress(t, visit), state_of(t, path[r], streak, 3)])
            assert bound <= left, (t, r)
        assert visit == 0


def test_bounds_hold_along_the_nl4_optimum() -> None:
    remaining_travel_never_below_the_bound(parse_matrix(NL4), NL4_OPTIMAL)


@pytest.mark.parametrize("inst", [circ(8), random_instance(10, 4)])
def test_bounds_hold_along_beam_schedules(inst: TTPInstance) -> None:
    found = BeamSearch(inst, 1).run(200)
    assert found is not None
    remaining_travel_never_below_the_bound(inst, rounds_from_rows(found.rows))


@pytest.mark.parametrize(
    "inst", [parse_matrix(NL4), circ(6), circ(8), random_instance(8, 2), random_instance(12, 7)]
)
def test_every_beam_schedule_passes_the_evaluator(inst: TTPInstance) -> None:
    search = BeamSearch(inst, 5)
    for width in (1, 50, 500):
        found = search.run(width)
        if found is None:  # a narrow beam may run into dead ends; never a wrong schedule
            continue
        check = evaluate(inst, rounds_from_rows(found.rows))
        assert check.feasible, check.violations[:3]
        assert check.distance == found.distance
        assert found.distance >= independent_lower_bound(inst)


def test_beam_finds_the_nl4_optimum() -> None:
    found = BeamSearch(parse_matrix(NL4), 0).run(100)
    assert found is not None and found.distance == 8276


def test_beam_reaches_circ10_within_two_percent_of_the_optimum() -> None:
    """The annealer alone stalls at 258-270 on CIRC10 (optimum 242, decision 0019)."""
    outcome = widening_search(circ(10), 0, deadline=float("inf"), max_nodes=2_000_000)
    assert outcome.best is not None
    assert outcome.best.distance <= 242 * 1.02


def test_same_seed_same_beam_schedule_and_other_seeds_differ() -> None:
    inst = random_instance(10, 11)
    a = BeamSearch(inst, 3).run(300)
    b = BeamSearch(inst, 3).run(300)
    assert a is not None and b is not None
    assert np.array_equal(a.rows, b.rows)
    others = [BeamSearch(inst, s).run(300) for s in (4, 5, 6)]
    assert any(o is not None and not np.array_equal(o.rows, a.rows) for o in others)


def test_capped_solver_run_with_beam_replays_exactly() -> None:
    inst = circ(8)
    a = solve_ttp(inst, time_limit=60, seed=2, max_iterations=200_000)
    b = solve_ttp(inst, time_limit=60, seed=2, max_iterations=200_000)
    assert a.rounds == b.rounds
    assert evaluate(inst, a.rounds).distance == a.distance


def test_too_many_teams_for_the_table_is_refused() -> None:
    with pytest.raises(ValueError, match="up to 16 teams"):
        BeamSearch(circ(18), 0)


def con(n: int) -> TTPInstance:
    return parse_matrix("\n".join(" ".join(str(int(i != j)) for j in range(n)) for i in range(n)))


def test_dead_ends_raise_the_noise_until_a_beam_completes() -> None:
    """CON16 (all distances 1): at the default noise every node of some layer has no legal
    game left; the widening search doubles the noise after such a search and completes."""
    inst = con(16)
    assert BeamSearch(inst, 0).run(1000) is None
    outcome = widening_search(inst, 0, deadline=float("inf"), max_nodes=8_000_000)
    assert outcome.best is not None and outcome.runs > 1
    check = evaluate(inst, rounds_from_rows(outcome.best.rows))
    assert check.feasible and check.distance == outcome.best.distance


def test_a_run_whose_beams_all_die_still_anneals_a_schedule() -> None:
    """With a node budget too small for the noisier searches, every beam of this run dies;
    this process then anneals with the rest of the budget instead."""
    inst = con(16)
    result = solve_ttp(inst, time_limit=120, seed=1, max_iterations=3_000_000, workers=1)
    check = evaluate(inst, result.rounds)
    assert check.feasible and check.distance == result.distance
