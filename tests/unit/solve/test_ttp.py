"""TTP: hand-checked evaluation, NL4 optimum, every solver output re-validated, CLI format."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from cadence.solve.cli import league
from cadence.solve.ttp import TTPInstance, evaluate, parse_matrix, solve_ttp
from cadence.solve.ttp.anneal import Annealer
from cadence.solve.ttp.model import Rounds
from cadence.solve.ttp.moves import Schedule, split

NL4 = """\
  0 745 665 929
745   0  80 337
665  80   0 380
929 337 380   0
"""

# Team travel, by hand: 0 -> 0,0,0,2,1,3,0 = 665+80+337+929 = 2011; 1 -> 1,1,2,0,3,1 = 2011;
# 2 -> 2,0,2,2,2,3,1,2 = 2127; 3 -> 3,1,0,2,3,3,3,3 = 2127. Total 8276 (the NL4 optimum).
NL4_OPTIMAL: Rounds = [
    [(0, 2), (1, 3)],
    [(0, 3), (2, 1)],
    [(0, 1), (2, 3)],
    [(2, 0), (3, 1)],
    [(1, 0), (3, 2)],
    [(1, 2), (3, 0)],
]


def circ(n: int) -> TTPInstance:
    rows = [" ".join(str(min(abs(i - j), n - abs(i - j))) for j in range(n)) for i in range(n)]
    return parse_matrix("\n".join(rows), name=f"CIRC{n}")


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


def random_instance(n: int, seed: int) -> TTPInstance:
    """Cities at random points in a square: symmetric, uneven distances (like NL)."""
    rng = random.Random(seed)
    pts = [(rng.uniform(0, 1000), rng.uniform(0, 1000)) for _ in range(n)]
    rows = [" ".join(str(round(math.dist(p, q))) for q in pts) for p in pts]
    return parse_matrix("\n".join(rows), name=f"RAND{n}")


@pytest.mark.parametrize(("n", "seed"), [(6, 1), (8, 2), (12, 3)])
def test_every_move_is_priced_exactly(n: int, seed: int) -> None:
    """The annealer's incremental deltas against a full recount and the evaluator, over
    accepted and rolled-back moves of all five neighbourhoods."""
    inst = random_instance(n, seed)
    annealer = Annealer(inst, seed)
    sched = annealer.sched
    dist, viol = sched.totals()
    for step in range(1000):
        before = sched.snapshot()
        move = annealer.random_move()
        if move is None:
            continue
        delta, d_streak, commit, rollback = move
        if step % 3 == 0:
            rollback()
            assert sched.rows == before
            continue
        commit()
        d_travel, d_repeat = split(delta)
        dist, viol = dist + d_travel, viol + d_streak + d_repeat
        fresh = Schedule(inst, sched.rows)
        assert (fresh.home, fresh.strk) == (sched.home, sched.strk)
        assert fresh.totals() == (dist, viol)
        if step % 100 == 1:
            check = evaluate(inst, sched.rounds())
            assert check.distance == dist
            assert len(check.violations) == viol - sum(
                1 for v in check.violations if v.startswith("repeater")
            )


@pytest.mark.parametrize("inst", [circ(20), random_instance(16, 5), circ(40)])
def test_large_instances_are_feasible_fast(inst: TTPInstance) -> None:
    result = solve_ttp(inst, time_limit=2, seed=1, workers=1)
    check = evaluate(inst, result.rounds)
    assert check.feasible, check.violations[:3]
    assert check.distance == result.distance
