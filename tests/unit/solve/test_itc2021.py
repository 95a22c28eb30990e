"""ITC2021: reference objectives reproduced, hand-checked tiny instance, solver and CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cadence.solve.cli import league
from cadence.solve.itc2021 import (
    Game,
    evaluate,
    parse_solution,
    read_instance,
    solution_xml,
    solve_itc2021,
)
from cadence.solve.itc2021.roundrobin import circle_double_round_robin

DATA = Path(__file__).parent / "data"
# shared/ lies beside the repository (as on the development machine and in CI).
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "itc2021"


def load_games(name: str) -> list[Game]:
    lines = [ln for ln in (DATA / name).read_text().splitlines() if not ln.startswith("#")]
    games: list[Game] = []
    for slot, line in enumerate(lines):
        for g in line.split():
            h, a = g.split("-")
            games.append((int(h), int(a), slot))
    return games


@pytest.mark.parametrize(
    ("instance", "solution", "objective"),
    [
        ("ITC2021_Early_1.xml", "early1_362.txt", 362),
        ("ITC2021_Early_2.xml", "early2_144.txt", 144),
    ],
)
def test_reference_solutions_reproduced(instance: str, solution: str, objective: int) -> None:
    if not (SHARED / instance).exists():
        pytest.skip("shared ITC2021 instances not available")
    result = evaluate(read_instance(SHARED / instance), load_games(solution))
    assert result.hard == 0
    assert result.objective == objective


def test_tiny_instance_hand_checked() -> None:
    # Circle schedule (slot: games): 0: 0-3 1-2 | 1: 3-1 2-0 | 2: 2-3 0-1 | 3-5 mirrored.
    # Homes: team 1 H A A A H H (breaks at 2, 3, 5), team 2 A H H H A A (breaks 2, 3, 5).
    inst = read_instance(DATA / "tiny4.xml")
    result = evaluate(inst, circle_double_round_robin(4))
    costs = {(d.constraint.kind, d.constraint.hard): 0 for d in result.deviations}
    for d in result.deviations:
        costs[(d.constraint.kind, d.constraint.hard)] += d.cost
    assert costs == {
        ("CA1", False): 4,  # team 1 home in slots 0 and 4, max 0, penalty 2
        ("CA2", True): 1,  # team 0 away at 2 in slot 1
        ("CA3", False): 1,  # team 1 away in slots 1, 2, 3 (window max 2)
        ("CA4", False): 3 + 2,  # GLOBAL: 3 homes vs max 2 (x3); EVERY: 1 + 1
        ("GA1", False): 5,  # only 0-1 of {0-1, 1-0} in slots 0..2, min 2
        ("BR1", True): 2,  # team 1 has 3 breaks, max 1
        ("BR1", False): 2,  # team 2 has 2 home breaks, max 0
        ("BR2", False): 2,  # 6 breaks in total, max 4
        ("FA2", False): 1,  # teams 0, 1 home counts differ by 1 after slots 2..4
        ("SE1", False): 2,  # 0-3 in slot 0, 3-0 in slot 3: gap 2 < 3
    }
    assert (result.hard, result.objective) == (3, 22)


def test_structure_errors_are_hard() -> None:
    inst = read_instance(DATA / "tiny4.xml")
    games = circle_double_round_robin(4)[:-1]
    result = evaluate(inst, games)
    assert result.hard > 0
    assert result.structure


def test_solver_tiny_instance_feasible_and_validated() -> None:
    inst = read_instance(DATA / "tiny4.xml")
    result = solve_itc2021(inst, time_limit=6, seed=1)
    assert result.hard == 0
    check = evaluate(inst, result.games)
    assert (check.hard, check.objective) == (result.hard, result.objective)
    assert len(result.games) == 12


def test_writer_round_trips() -> None:
    inst = read_instance(DATA / "tiny4.xml")
    games = circle_double_round_robin(4)
    xml = solution_xml(inst, games, evaluate(inst, games))
    assert sorted(parse_solution(xml)) == sorted(games)
    assert 'infeasibility="3" objective="22"' in xml


def test_cli_prints_summary_last(tmp_path: Path) -> None:
    out = tmp_path / "sol.xml"
    res = CliRunner().invoke(
        league, ["itc2021", str(DATA / "tiny4.xml"), "--time-limit", "5", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    last = res.stdout.strip().splitlines()[-1]
    inst = read_instance(DATA / "tiny4.xml")
    check = evaluate(inst, parse_solution(out.read_text()))
    assert last == f"hard={check.hard} objective={check.objective}"


def test_pattern_model_respects_pattern_rules() -> None:
    from cadence.solve.itc2021.hap import PatternModel

    inst = read_instance(DATA / "tiny4.xml")
    hap = PatternModel(inst).solve(5, seed=1, workers=1)
    assert hap is not None
    n, ns = inst.n_teams, inst.n_slots
    assert all(sum(hap[t][s] for t in range(n)) == n // 2 for s in range(ns))
    assert all(sum(row) == n - 1 for row in hap)
    # The hard BR1 rule of tiny4 (team 1, at most one break) holds on the pattern itself.
    br1 = next(c for c in inst.constraints if c.kind == "BR1" and c.hard)
    for t in br1.teams:
        brk = sum(1 for s in br1.slots if s > 0 and hap[t][s] == hap[t][s - 1])
        assert brk <= br1.intp


@pytest.mark.slow
def test_pattern_first_construction_is_feasible_on_early_2() -> None:
    import time

    from cadence.solve.itc2021.hap import construct

    if not (SHARED / "ITC2021_Early_2.xml").exists():
        pytest.skip("shared ITC2021 instances not available")
    inst = read_instance(SHARED / "ITC2021_Early_2.xml")
    built = construct(inst, deadline=time.perf_counter() + 40, seed=1)
    assert built is not None
    games, hap = built
    assert evaluate(inst, games).hard == 0
    for h, a, s in games:  # the schedule follows its pattern
        assert hap[h][s] == 1 and hap[a][s] == 0
