"""TTP: hand-checked evaluation, compiled move deltas against full recounts, NL4 optimum,
reproducibility, time limit, every solver output re-validated, CLI format."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cadence.solve.cli import league
from cadence.solve.ttp import TTPInstance, evaluate, parse_matrix, solve_ttp
from cadence.solve.ttp.anneal import Annealer
from cadence.solve.ttp.encoding import positions, rounds_from_rows
from cadence.solve.ttp.kernel import random_move
from cadence.solve.ttp.moves import PARTIAL_SWAP_TEAMS, apply_plan, plan_move, split, undo
from cadence.solve.ttp.solver import warm_up
from tests.unit.solve.ttp_cases import NL4, NL4_OPTIMAL, circ, random_instance


@pytest.fixture(scope="module", autouse=True)
def _compiled() -> None:
    """Compile (first run on a machine) or load the kernels before any timed test."""
    warm_up()


def test_evaluator_hand_checked_nl4() -> None:
    result = evaluate(parse_matrix(NL4), NL4_OPTIMAL)
    assert result.feasible, result.violations
    assert result.distance == 8276


def test_evaluator_flags_repeater() -> None:
    r = NL4_OPTIMAL
    result = evaluate(parse_matrix(NL4), [r[0], r[1], r[2], r[4], r[3], r[5]])
    assert any("repeater 0-1" in v for v in result.violations)


def test_evaluator_flags_long_streak() -> None:
    strict = TTPInstance(distance=parse_matrix(NL4).distance, max_streak=2)
    result = evaluate(strict, NL4_OPTIMAL)
    assert any("team 0: 3 home" in v for v in result.violations)


def test_evaluator_flags_broken_structure() -> None:
    result = evaluate(parse_matrix(NL4), NL4_OPTIMAL[:-1])
    assert not result.feasible
    assert any("rounds" in v for v in result.violations)
    assert any("never played" in v for v in result.violations)


def test_parse_rejects_odd_or_ragged_matrix() -> None:
    with pytest.raises(ValueError, match="even"):
        parse_matrix("0 1 2\n1 0 1\n2 1 0")
    with pytest.raises(ValueError, match="row 1"):
        parse_matrix("0 1\n1")


def test_solver_finds_nl4_optimum() -> None:
    result = solve_ttp(parse_matrix(NL4), time_limit=5, seed=1)
    assert result.distance == 8276
    assert evaluate(parse_matrix(NL4), result.rounds).distance == 8276


@pytest.mark.parametrize("n", [4, 6, 8])
def test_every_generated_schedule_passes_the_evaluator(n: int) -> None:
    inst = circ(n)
    result = solve_ttp(inst, time_limit=2, seed=n)
    check = evaluate(inst, result.rounds)
    assert check.feasible, check.violations
    assert check.distance == result.distance
    assert len(result.rounds) == 2 * (n - 1)


def test_same_seed_same_schedule() -> None:
    inst = circ(6)
    a = solve_ttp(inst, time_limit=30, seed=7, max_iterations=3000)
    b = solve_ttp(inst, time_limit=30, seed=7, max_iterations=3000)
    assert a.rounds == b.rounds


def test_cli_writes_json_and_prints_distance_last(tmp_path: Path) -> None:
    src = tmp_path / "NL4.txt"
    src.write_text(NL4)
    out = tmp_path / "sol.json"
    res = CliRunner().invoke(
        league, ["ttp", str(src), "--time-limit", "3", "--seed", "1", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    last = res.stdout.strip().splitlines()[-1]
    doc = json.loads(out.read_text())
    assert int(last) == doc["distance"] == 8276
    assert doc["n"] == 4
    rounds = [[(h, a) for h, a in rnd] for rnd in doc["rounds"]]
    assert evaluate(parse_matrix(NL4), rounds).distance == 8276


def test_cli_without_out_prints_json_then_distance(tmp_path: Path) -> None:
    src = tmp_path / "NL4.txt"
    src.write_text(NL4)
    res = CliRunner().invoke(league, ["ttp", str(src), "--time-limit", "1"])
    assert res.exit_code == 0, res.output
    lines = res.stdout.strip().splitlines()
    assert json.loads(lines[-2])["distance"] == int(lines[-1])


def test_two_workers_are_reproducible_and_no_worse_than_one() -> None:
    inst = parse_matrix(NL4)
    one = solve_ttp(inst, time_limit=30, seed=3, max_iterations=2000, workers=1)
    two = solve_ttp(inst, time_limit=30, seed=3, max_iterations=2000, workers=2)
    again = solve_ttp(inst, time_limit=30, seed=3, max_iterations=2000, workers=2)
    assert two.distance <= one.distance
    assert two.rounds == again.rounds
    assert evaluate(inst, two.rounds).distance == two.distance


def test_process_age_is_known_on_linux() -> None:
    from cadence.solve.cli import _budget, _process_age

    age = _process_age()
    assert 0.0 <= age < 24 * 3600
    assert _budget(5.0, 0.0) >= 0.1  # never zero, even when start-up ate the limit


def _start(inst: TTPInstance, seed: int, walk: int) -> Annealer:
    """An annealer whose schedule is the start after ``walk`` random moves, all kept: random
    schedules, feasible or not (streaks, repeaters)."""
    annealer = Annealer(inst, seed)
    a = annealer
    acc = np.zeros(2, dtype=np.int64)
    for _ in range(walk):
        random_move(
            a.rng, a.cum, a.rows, a.pos, a.tab, a.window, a.plan, acc, a.group, a.seen, a.chain
        )
    return annealer


@settings(max_examples=300, deadline=None)
@given(
    n=st.sampled_from([4, 6, 8, 10, 12]),
    seed=st.integers(0, 10_000),
    walk=st.integers(0, 300),
    kind=st.integers(0, 4),
    picks=st.lists(st.integers(0, 1_000_000), min_size=4, max_size=4),
)
def test_compiled_delta_equals_full_recount(
    n: int, seed: int, walk: int, kind: int, picks: list[int]
) -> None:
    """Each move kind's incremental delta against a full recount and the independent
    evaluator, on random schedules; the rollback restores the schedule exactly."""
    inst = random_instance(n, seed)
    a = _start(inst, seed, walk)
    nr = inst.n_rounds
    i = picks[0] % n
    j = (i + 1 + picks[1] % (n - 1)) % n
    k = 1 + picks[2] % nr
    m = 1 + (k + picks[3] % (nr - 1)) % nr
    before_rows, before_pos = a.rows.copy(), a.pos.copy()
    dist, viol = a.totals()
    size = plan_move(kind, i, j, k, m, a.rows, a.pos, a.plan, a.group, a.seen, a.chain)
    if size < 0:  # PartialSwapTeams whose chain meets the mutual games: nothing changed
        assert kind == PARTIAL_SWAP_TEAMS
        assert (a.rows == before_rows).all()
        return
    acc = np.zeros(2, dtype=np.int64)
    apply_plan(a.rows, a.pos, a.tab, a.window, a.plan, size, acc)
    d_travel, d_repeat = split(int(acc[0]))
    assert a.totals() == (dist + d_travel, viol + d_repeat + int(acc[1]))
    assert (a.pos == positions(a.rows)).all()
    check = evaluate(inst, rounds_from_rows(a.rows))
    assert check.distance == dist + d_travel  # -1 (a broken round robin) would fail here
    repeaters = sum(1 for v in check.violations if v.startswith("repeater"))
    assert len(check.violations) + repeaters == viol + d_repeat + int(acc[1])
    undo(a.rows, a.pos, a.plan, size)
    assert (a.rows == before_rows).all()
    assert (a.pos == before_pos).all()


def test_iteration_capped_run_replays_exactly() -> None:
    inst = random_instance(10, 4)
    runs = []
    for _ in range(2):
        a = Annealer(inst, 11)
        rounds, dist = a.run(time.perf_counter() + 60, max_iterations=200_000)
        runs.append((rounds, dist, a.stats.accepted, a.stats.reheats, a.rows.tobytes()))
    assert runs[0] == runs[1]
    other = Annealer(inst, 12)
    assert other.run(time.perf_counter() + 60, max_iterations=200_000)[0] != runs[0][0]


@pytest.mark.parametrize("limit", [1.0, 3.0])
def test_time_limit_is_honoured(limit: float) -> None:
    """Once compiled (the first run on a machine compiles, see decision 0014), the solver
    returns within its limit, helper process included. It aims 3% + 50 ms early; the 0.1 s
    of slack is for a CI machine whose two cores are shared with the other test worker
    (seen: 17 ms late at load 10), far below what a solver ignoring its limit would show."""
    inst = random_instance(10, 9)
    began = time.perf_counter()
    result = solve_ttp(inst, time_limit=limit, seed=1)
    assert time.perf_counter() - began <= limit + 0.35
    assert result.elapsed <= limit + 0.1
    assert result.iterations > 10_000 * limit  # compiled speed, even on a loaded machine


@pytest.mark.parametrize("inst", [circ(20), random_instance(16, 5), circ(40)])
def test_large_instances_are_feasible_fast(inst: TTPInstance) -> None:
    result = solve_ttp(inst, time_limit=2, seed=1, workers=1)
    check = evaluate(inst, result.rounds)
    assert check.feasible, check.violations[:3]
    assert check.distance == result.distance
