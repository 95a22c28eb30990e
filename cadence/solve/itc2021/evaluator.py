"""Independent ITC2021 evaluator, written from the competition rules (OrganizationITC2021_V7).

It works on plain ``(home, away, slot)`` games and shares no code with the CP-SAT model, so a
modelling slip shows up as a disagreement instead of a wrong "hard=0".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from cadence.solve.itc2021.model import Constraint, Game, Instance


@dataclass(frozen=True)
class Deviation:
    constraint: Constraint
    deviation: int

    @property
    def cost(self) -> int:
        return self.deviation * self.constraint.penalty


@dataclass(frozen=True)
class Evaluation:
    hard: int
    """Structure errors plus the summed deviation of hard constraints (0 = feasible)."""
    objective: int
    """Sum of penalty x deviation over soft constraints."""
    structure: list[str] = field(default_factory=list)
    deviations: list[Deviation] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return self.hard == 0


class _Schedule:
    """Lookup tables built once per evaluation."""

    def __init__(self, inst: Instance, games: Iterable[Game]) -> None:
        n, s = inst.n_teams, inst.n_slots
        self.opp = [[-1] * s for _ in range(n)]
        self.home = [[False] * s for _ in range(n)]
        self.slot_of: dict[tuple[int, int], int] = {}
        self.problems: list[str] = []
        for h, a, t in games:
            if not (0 <= h < n and 0 <= a < n and 0 <= t < s) or h == a:
                self.problems.append(f"invalid game ({h}, {a}) in slot {t}")
                continue
            if (h, a) in self.slot_of:
                self.problems.append(f"game ({h}, {a}) scheduled twice")
            self.slot_of[(h, a)] = t
            for team, other, at_home in ((h, a, True), (a, h, False)):
                if self.opp[team][t] != -1:
                    self.problems.append(f"team {team} plays twice in slot {t}")
                self.opp[team][t] = other
                self.home[team][t] = at_home
        missing = n * (n - 1) - len(self.slot_of)
        if missing > 0:
            self.problems.append(f"{missing} games not scheduled")
        if inst.phased and not self.problems:
            for i, j in combinations(range(n), 2):
                if (self.slot_of[(i, j)] < inst.half) == (self.slot_of[(j, i)] < inst.half):
                    self.problems.append(f"phased: {i}-{j} meet twice in one half")

    def count(self, team: int, against: set[int], mode: str, slots: Iterable[int]) -> int:
        c = 0
        for t in slots:
            o = self.opp[team][t]
            if o in against:
                at_home = self.home[team][t]
                if mode == "HA" or (mode == "H") == at_home:
                    c += 1
        return c

    def breaks(self, team: int, slots: Iterable[int], mode: str = "HA") -> int:
        c = 0
        for t in slots:
            same = t > 0 and self.home[team][t] == self.home[team][t - 1]
            if same and (mode == "HA" or (mode == "H") == self.home[team][t]):
                c += 1
        return c


def _excess(value: int, c: Constraint) -> int:
    over = value - c.max if c.max is not None else 0
    return max(0, over) + max(0, c.min - value)


def deviation(inst: Instance, sched: _Schedule, c: Constraint) -> int:
    """The ITC2021 deviation of one constraint (0 when satisfied)."""
    everyone = set(range(inst.n_teams))
    if c.kind == "CA1":
        return sum(_excess(sched.count(t, everyone, c.mode, c.slots), c) for t in c.teams)
    if c.kind == "CA2":
        t2 = set(c.teams2)
        return sum(_excess(sched.count(t, t2, c.mode, c.slots), c) for t in c.teams)
    if c.kind == "CA3":
        t2 = set(c.teams2)
        total = 0
        for t in c.teams:
            for start in range(inst.n_slots - c.intp + 1):
                window = range(start, start + c.intp)
                total += _excess(sched.count(t, t2, c.mode, window), c)
        return total
    if c.kind == "CA4":
        t2 = set(c.teams2)
        if c.scope == "EVERY":
            return sum(
                _excess(sum(sched.count(t, t2, c.mode, (s,)) for t in c.teams), c) for s in c.slots
            )
        return _excess(sum(sched.count(t, t2, c.mode, c.slots) for t in c.teams), c)
    if c.kind == "GA1":
        wanted = set(c.slots)
        played = sum(1 for m in c.meetings if sched.slot_of.get(m) in wanted)
        return _excess(played, c)
    if c.kind == "BR1":
        return sum(max(0, sched.breaks(t, c.slots, c.mode) - c.intp) for t in c.teams)
    if c.kind == "BR2":
        return max(0, sum(sched.breaks(t, c.slots) for t in c.teams) - c.intp)
    if c.kind == "FA2":
        order = sorted(c.slots)
        total = 0
        for i, j in combinations(sorted(c.teams), 2):
            worst = hi = hj = 0
            last = -1
            for s in order:
                hi += sum(sched.home[i][last + 1 : s + 1])
                hj += sum(sched.home[j][last + 1 : s + 1])
                last = s
                worst = max(worst, abs(hi - hj) - c.intp)
            total += worst
        return total
    if c.kind == "SE1":
        total = 0
        for i, j in combinations(sorted(c.teams), 2):
            gap = abs(sched.slot_of[(i, j)] - sched.slot_of[(j, i)]) - 1
            total += max(0, c.min - gap)
        return total
    raise ValueError(f"unsupported constraint type {c.kind}")


def evaluate(inst: Instance, games: Iterable[Game]) -> Evaluation:
    sched = _Schedule(inst, games)
    if sched.problems:
        return Evaluation(hard=len(sched.problems), objective=0, structure=sched.problems)
    devs = [Deviation(c, d) for c in inst.constraints if (d := deviation(inst, sched, c))]
    hard = sum(d.deviation for d in devs if d.constraint.hard)
    objective = sum(d.cost for d in devs if not d.constraint.hard)
    return Evaluation(hard=hard, objective=objective, deviations=devs)
