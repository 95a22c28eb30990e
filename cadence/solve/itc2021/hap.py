"""Home/away-pattern (HAP) first construction for ITC2021.

Why: CP-SAT on the full 16-team model (7,200 booleans) finds no first schedule for Early_1 in
four minutes on two cores, but the rules split well. Most hard rules only look at *where* a team
plays (venue availability CA1, home stands CA3 against everyone, breaks BR1/BR2, FA2). So:

1. decide every team's home/away pattern in a small model (one boolean per team and slot) that
   satisfies those rules, plus cheap necessary conditions for opponents to exist (each slot
   half home, every team n-1 home games, any two teams differ somewhere in each half);
2. fix that pattern in the full model, where it removes about three quarters of the games
   from each slot, and let CP-SAT pick the opponents under the remaining rules (CA2, GA1, SE1,
   ...). If the pattern admits no opponents, forbid it and try another.
3. re-optimise the pattern for the soft pattern rules (breaks, fairness, home stands) from
   the one that worked, and keep it if opponents still fit and the schedule is cheaper.
"""

from __future__ import annotations

import time
from dataclasses import replace
from itertools import combinations

from ortools.sat.python import cp_model

from cadence.solve.itc2021.cpsat import Model
from cadence.solve.itc2021.evaluator import evaluate
from cadence.solve.itc2021.model import Constraint, Game, Instance

_sum = cp_model.LinearExpr.sum

HAP = list[list[int]]
"""hap[t][s] = 1 if team t plays at home in slot s."""


def _pattern_only(c: Constraint, n: int) -> bool:
    """True if the constraint's deviation depends on the home/away pattern alone."""
    if c.kind in ("BR1", "BR2", "FA2"):
        return True
    if c.kind == "CA1":
        return c.mode in ("H", "A")
    if c.kind in ("CA3", "CA4"):
        return c.mode in ("H", "A") and set(range(n)) <= set(c.teams2) | set(c.teams)
    return False


class PatternModel:
    """Pattern model: hard pattern rules as constraints, soft ones as penalised deviations."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        n, ns = inst.n_teams, inst.n_slots
        m = self.m = cp_model.CpModel()
        self.h = [[m.new_bool_var(f"h{t}_{s}") for s in range(ns)] for t in range(n)]
        h = self.h
        for s in range(ns):
            m.add(_sum([h[t][s] for t in range(n)]) == n // 2)
        for t in range(n):
            m.add(_sum(h[t]) == n - 1)
        halves = [range(inst.half), range(inst.half, ns)] if inst.phased else [range(ns)]
        for i, j in combinations(range(n), 2):
            # i must host j once and visit j once: they need slots with opposite venues.
            for half in halves:
                ij = []
                for s in half:
                    d = m.new_bool_var("")
                    m.add_bool_or([h[i][s], h[j][s]]).only_enforce_if(d)
                    m.add_bool_or([h[i][s].Not(), h[j][s].Not()]).only_enforce_if(d)
                    ij.append(d)
                m.add_bool_or(ij)
        self._brk: dict[tuple[int, int], cp_model.IntVar] = {}
        self.penalties: list[tuple[int, cp_model.IntVar]] = []
        self.n_rules = 0
        for c in inst.constraints:
            if _pattern_only(c, n):
                self.n_rules += 1
                self._add(c)
            elif c.kind == "GA1" and c.hard and c.min > 0:
                # Required games: the pattern must put host and guest on the right sides.
                self.n_rules += 1
                able = []
                for ha, aw in c.meetings:
                    for s in c.slots:
                        y = m.new_bool_var("")
                        m.add_implication(y, h[ha][s])
                        m.add_implication(y, h[aw][s].Not())
                        able.append(y)
                m.add(_sum(able) >= c.min)

    def brk(self, t: int, s: int, kind: str) -> cp_model.IntVar:
        """Exact indicator of a home (H) or away (A) break of team t at slot s."""
        key = (t, s * 2 + (kind == "A"))
        if key not in self._brk:
            b = self.m.new_bool_var("")
            x, y = self.h[t][s - 1], self.h[t][s]
            if kind == "H":
                self.m.add_bool_and([x, y]).only_enforce_if(b)
                self.m.add_bool_or([x.Not(), y.Not(), b])
            else:
                self.m.add_bool_and([x.Not(), y.Not()]).only_enforce_if(b)
                self.m.add_bool_or([x, y, b])
            self._brk[key] = b
        return self._brk[key]

    def breaks(self, t: int, slots: tuple[int, ...], mode: str) -> list[cp_model.IntVar]:
        kinds = ("H", "A") if mode == "HA" else (mode,)
        return [self.brk(t, s, k) for s in slots if s > 0 for k in kinds]

    def count(self, t: int, mode: str, slots: range | tuple[int, ...]) -> cp_model.LinearExpr:
        homes = _sum([self.h[t][s] for s in slots])
        return homes if mode == "H" else len(slots) - homes

    def bound(self, c: Constraint, expr: cp_model.LinearExpr, lo: int, hi: int | None) -> None:
        if c.hard:
            if hi is not None:
                self.m.add(expr <= hi)
            if lo > 0:
                self.m.add(expr >= lo)
            return
        if hi is not None:
            d = self.m.new_int_var(0, self.inst.n_slots * self.inst.n_teams, "")
            self.m.add(d >= expr - hi)
            self.penalties.append((c.penalty, d))
        if lo > 0:
            d = self.m.new_int_var(0, lo, "")
            self.m.add(d >= lo - expr)
            self.penalties.append((c.penalty, d))

    def _add(self, c: Constraint) -> None:
        inst = self.inst
        if c.kind == "CA1":
            for t in c.teams:
                self.bound(c, self.count(t, c.mode, c.slots), c.min, c.max)
        elif c.kind == "CA3":
            for t in c.teams:
                for start in range(inst.n_slots - c.intp + 1):
                    window = range(start, start + c.intp)
                    self.bound(c, self.count(t, c.mode, window), c.min, c.max)
        elif c.kind == "CA4":
            groups = [(s,) for s in c.slots] if c.scope == "EVERY" else [c.slots]
            for slots in groups:
                total = _sum([self.count(t, c.mode, slots) for t in c.teams])
                self.bound(c, total, c.min, c.max)
        elif c.kind == "BR1":
            for t in c.teams:
                self.bound(c, _sum(self.breaks(t, c.slots, c.mode)), 0, c.intp)
        elif c.kind == "BR2":
            b = [v for t in c.teams for v in self.breaks(t, c.slots, "HA")]
            self.bound(c, _sum(b), 0, c.intp)
        elif c.kind == "FA2":
            order = sorted(c.slots)
            for i, j in combinations(sorted(c.teams), 2):
                worst = None if c.hard else self.m.new_int_var(0, inst.n_slots, "")
                for s in order:
                    diff = _sum(self.h[i][: s + 1]) - _sum(self.h[j][: s + 1])
                    if worst is None:
                        self.m.add(diff <= c.intp)
                        self.m.add(-diff <= c.intp)
                    else:
                        self.m.add(worst >= diff - c.intp)
                        self.m.add(worst >= -diff - c.intp)
                if worst is not None:
                    self.penalties.append((c.penalty, worst))

    def forbid(self, hap: HAP) -> None:
        """No-good: never propose exactly this pattern again."""
        lits = [
            v.Not() if hap[t][s] else v for t, row in enumerate(self.h) for s, v in enumerate(row)
        ]
        self.m.add_bool_or(lits)

    def solve(self, seconds: float, seed: int, workers: int, hint: HAP | None = None) -> HAP | None:
        """A pattern meeting the hard rules; with ``hint`` (a feasible pattern), the best one
        found for the soft pattern rules in ``seconds`` instead of the first one."""
        model = self.m
        if hint is not None and self.penalties:
            model = self.m.clone()
            model.minimize(
                cp_model.LinearExpr.weighted_sum(
                    [d for _, d in self.penalties], [p for p, _ in self.penalties]
                )
            )
            for row, vals in zip(self.h, hint, strict=True):
                for v, val in zip(row, vals, strict=True):
                    model.add_hint(v, bool(val))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.1, seconds)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        code = solver.solve(model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return hint
        return [[int(solver.boolean_value(v)) for v in row] for row in self.h]


def fix_pattern(model: Model, hap: HAP, hint: list[Game] | None = None) -> cp_model.CpModel:
    """A copy of the full model with every game that contradicts ``hap`` removed."""
    sub = model.m.clone()
    if hint is not None:
        chosen = set(hint)
        sub.clear_hints()  # type: ignore[no-untyped-call]
        for key, var in model.x.items():
            sub.add_hint(var, key in chosen)
    proto = sub.Proto()
    for (h, a, s), var in model.x.items():
        if not hap[h][s] or hap[a][s]:
            dom = proto.variables[var.index].domain
            dom[0] = dom[1] = 0
    return sub


def construct(
    inst: Instance, *, deadline: float, seed: int, workers: int = 2
) -> tuple[list[Game], HAP] | None:
    """A schedule meeting every hard rule and its pattern, or None if none was found before
    ``deadline``."""
    patterns = PatternModel(inst)
    # Hard rules only: the soft ones' deviation variables make presolve ten times slower.
    full = Model(replace(inst, constraints=tuple(inst.hard())))
    attempt = 0
    while deadline - time.perf_counter() > 1.0:
        left = deadline - time.perf_counter()
        hap = patterns.solve(min(left / 2, 10.0 + 5 * attempt), seed + attempt, workers)
        if hap is None:
            return None
        sub = fix_pattern(full, hap)
        solver = cp_model.CpSolver()
        left = deadline - time.perf_counter()
        solver.parameters.max_time_in_seconds = max(0.1, min(left, 20.0 + 10 * attempt))
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed + attempt
        code = solver.solve(sub)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            games = full.games(solver)
            return _better_pattern(inst, patterns, full, games, hap, deadline, seed, workers)
        patterns.forbid(hap)
        attempt += 1
    return None


def _better_pattern(
    inst: Instance,
    patterns: PatternModel,
    full: Model,
    games: list[Game],
    hap: HAP,
    deadline: float,
    seed: int,
    workers: int,
) -> tuple[list[Game], HAP]:
    """Re-optimise the pattern for the soft pattern rules (breaks, fairness, home stands),
    starting from a pattern known to work; keep the result only if opponents still fit and
    the whole schedule is cheaper."""
    left = deadline - time.perf_counter()
    if not patterns.penalties or left < 4.0:
        return games, hap
    better = patterns.solve(min(left / 3, 15.0), seed, workers, hint=hap)
    if better is None or better == hap:
        return games, hap
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, min(deadline - time.perf_counter(), 20.0))
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    code = solver.solve(fix_pattern(full, better))
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return games, hap
    candidate = full.games(solver)
    old, new = evaluate(inst, games), evaluate(inst, candidate)
    if new.hard == 0 and new.objective < old.objective:
        return candidate, better
    return games, hap
