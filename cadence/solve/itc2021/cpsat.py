"""CP-SAT model of an ITC2021 instance: every constraint type, hard ones as constraints and
soft ones as penalised deviation variables.

Deviation variables are only bounded from below (dev >= excess); minimisation makes them
exact, and the independent evaluator re-checks every reported solution anyway.
"""

from __future__ import annotations

from itertools import combinations

from ortools.sat.python import cp_model

from cadence.solve.itc2021.model import Constraint, Game, Instance

LinearExpr = cp_model.LinearExpr
_sum = cp_model.LinearExpr.sum


HARD_WEIGHT = 1000
"""Price of one unit of hard deviation when hard constraints are relaxed (repair mode)."""


class Model:
    def __init__(self, inst: Instance, relax_hard: bool = False) -> None:
        self.inst = inst
        self.relax_hard = relax_hard
        self.hard_devs: list[cp_model.IntVar] = []
        self.m = cp_model.CpModel()
        n, ns = inst.n_teams, inst.n_slots
        m = self.m
        self.x = {
            (h, a, s): m.new_bool_var(f"x{h}_{a}_{s}")
            for h in range(n)
            for a in range(n)
            if h != a
            for s in range(ns)
        }
        x = self.x
        for h, a in ((h, a) for h in range(n) for a in range(n) if h != a):
            m.add_exactly_one(x[h, a, s] for s in range(ns))
            if inst.phased and h < a:
                first = [v for s in range(inst.half) for v in (x[h, a, s], x[a, h, s])]
                m.add(_sum(first) == 1)
        for t in range(n):
            for s in range(ns):
                m.add_exactly_one(
                    [x[t, o, s] for o in range(n) if o != t]
                    + [x[o, t, s] for o in range(n) if o != t]
                )
        self.home: dict[tuple[int, int], LinearExpr] = {
            (t, s): _sum([x[t, o, s] for o in range(n) if o != t])
            for t in range(n)
            for s in range(ns)
        }
        self._breaks: dict[tuple[int, int, str], cp_model.IntVar] = {}
        self.penalties: list[tuple[int, cp_model.IntVar]] = []
        for c in inst.constraints:
            self._add(c)

    # -- helpers -----------------------------------------------------------------------------

    def games_of(
        self, team: int, against: tuple[int, ...], mode: str, slots: range | tuple[int, ...]
    ) -> list[cp_model.IntVar]:
        out: list[cp_model.IntVar] = []
        for s in slots:
            for o in against:
                if o == team:
                    continue
                if mode in ("H", "HA"):
                    out.append(self.x[team, o, s])
                if mode in ("A", "HA"):
                    out.append(self.x[o, team, s])
        return out

    def brk(self, t: int, s: int, kind: str) -> cp_model.IntVar:
        """Indicator >= "team t has a home (kind H) or away (A) break at slot s"."""
        key = (t, s, kind)
        if key not in self._breaks:
            b = self.m.new_bool_var(f"b{kind}{t}_{s}")
            h0, h1 = self.home[t, s - 1], self.home[t, s]
            if kind == "H":
                self.m.add(b + 1 >= h0 + h1)
            else:
                self.m.add(b + h0 + h1 >= 1)
            self._breaks[key] = b
        return self._breaks[key]

    def breaks(self, t: int, slots: tuple[int, ...], mode: str) -> list[cp_model.IntVar]:
        kinds = ("H", "A") if mode == "HA" else (mode,)
        return [self.brk(t, s, k) for s in slots if s > 0 for k in kinds]

    def bound(self, c: Constraint, expr: LinearExpr, lo: int, hi: int | None, ub: int) -> None:
        """lo <= expr <= hi, hard or as a penalised deviation."""
        if c.hard and not self.relax_hard:
            if hi is not None:
                self.m.add(expr <= hi)
            if lo > 0:
                self.m.add(expr >= lo)
            return
        weight = HARD_WEIGHT if c.hard else c.penalty
        devs: list[cp_model.IntVar] = []
        if hi is not None:
            d = self.m.new_int_var(0, max(ub, 0), "dev")
            self.m.add(d >= expr - hi)
            devs.append(d)
        if lo > 0:
            d = self.m.new_int_var(0, lo, "dev")
            self.m.add(d >= lo - expr)
            devs.append(d)
        self.penalties += [(weight, d) for d in devs]
        if c.hard:
            self.hard_devs += devs

    # -- constraints -----------------------------------------------------------------------

    def _add(self, c: Constraint) -> None:
        inst, everyone = self.inst, tuple(range(self.inst.n_teams))
        if c.kind in ("CA1", "CA2"):
            against = everyone if c.kind == "CA1" else c.teams2
            for t in c.teams:
                g = self.games_of(t, against, c.mode, c.slots)
                self.bound(c, _sum(g), c.min, c.max, len(g))
        elif c.kind == "CA3":
            for t in c.teams:
                for start in range(inst.n_slots - c.intp + 1):
                    g = self.games_of(t, c.teams2, c.mode, range(start, start + c.intp))
                    self.bound(c, _sum(g), c.min, c.max, len(g))
        elif c.kind == "CA4":
            groups = [(s,) for s in c.slots] if c.scope == "EVERY" else [c.slots]
            for slots in groups:
                g = [v for t in c.teams for v in self.games_of(t, c.teams2, c.mode, slots)]
                self.bound(c, _sum(g), c.min, c.max, len(g))
        elif c.kind == "GA1":
            g = [self.x[h, a, s] for h, a in c.meetings for s in c.slots]
            self.bound(c, _sum(g), c.min, c.max, len(g))
        elif c.kind == "BR1":
            for t in c.teams:
                b = self.breaks(t, c.slots, c.mode)
                self.bound(c, _sum(b), 0, c.intp, len(b))
        elif c.kind == "BR2":
            b = [v for t in c.teams for v in self.breaks(t, c.slots, "HA")]
            self.bound(c, _sum(b), 0, c.intp, len(b))
        elif c.kind == "FA2":
            self._fa2(c)
        elif c.kind == "SE1":
            self._se1(c)
        else:
            raise ValueError(f"unsupported constraint type {c.kind}")

    def _fa2(self, c: Constraint) -> None:
        order = sorted(c.slots)
        for i, j in combinations(sorted(c.teams), 2):
            worst = None if c.hard else self.m.new_int_var(0, self.inst.n_slots, "dev")
            for s in order:
                diff = _sum([self.home[i, u] for u in range(s + 1)]) - _sum(
                    [self.home[j, u] for u in range(s + 1)]
                )
                if worst is None:
                    self.m.add(diff <= c.intp)
                    self.m.add(-diff <= c.intp)
                else:
                    self.m.add(worst >= diff - c.intp)
                    self.m.add(worst >= -diff - c.intp)
            if worst is not None:
                self.penalties.append((c.penalty, worst))

    def _se1(self, c: Constraint) -> None:
        ns = self.inst.n_slots
        for i, j in combinations(sorted(c.teams), 2):
            si = cp_model.LinearExpr.weighted_sum(
                [self.x[i, j, s] for s in range(ns)], list(range(ns))
            )
            sj = cp_model.LinearExpr.weighted_sum(
                [self.x[j, i, s] for s in range(ns)], list(range(ns))
            )
            gap = self.m.new_int_var(0, ns, "gap")
            self.m.add_abs_equality(gap, si - sj)
            if c.hard:
                self.m.add(gap - 1 >= c.min)
            else:
                d = self.m.new_int_var(0, c.min, "dev")
                self.m.add(d >= c.min - (gap - 1))
                self.penalties.append((c.penalty, d))

    # -- solving -----------------------------------------------------------------------------

    def objective(self) -> LinearExpr:
        return cp_model.LinearExpr.weighted_sum(
            [d for _, d in self.penalties], [p for p, _ in self.penalties]
        )

    def games(self, solver: cp_model.CpSolver | cp_model.CpSolverSolutionCallback) -> list[Game]:
        return [(h, a, s) for (h, a, s), v in self.x.items() if solver.boolean_value(v)]

    def hint(self, games: list[Game]) -> None:
        chosen = set(games)
        self.m.clear_hints()  # type: ignore[no-untyped-call]
        for key, v in self.x.items():
            self.m.add_hint(v, key in chosen)
