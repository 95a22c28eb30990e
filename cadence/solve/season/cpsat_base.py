"""The part of the season model every rule encoding is written against: the home/away
booleans, the rule amounts and exact indicators (kept apart from the round-robin structure
in ``cpsat.py`` so that each file has one job).

Why exact amounts (``d == max(0, e - k)``, indicators both ways) instead of the usual
one-sided deviations: the objective of *any* solution, optimal or not, then equals what the
independent evaluator computes, so the solver can check every accepted schedule against it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from cadence.solve.season.model import Rule, Season

LinearExpr = cp_model.LinearExpr
Expr = cp_model.LinearExprT
_sum = cp_model.LinearExpr.sum


@dataclass(frozen=True)
class Term:
    rule: int
    expr: Expr
    ub: int


class ModelBase:
    """``H[t][s]`` / ``A[t][s]``: team t plays at home / away in slot s (set by subclasses)."""

    def __init__(self, season: Season, *, relax_hard: bool) -> None:
        self.season = season
        self.relax_hard = relax_hard
        self.n = len(season.teams)
        self.ns = len(season.slots)
        self.half = self.ns // 2
        self.m = cp_model.CpModel()
        self.x: dict[tuple[int, int, int], cp_model.IntVar] = {}
        self.H: list[list[cp_model.IntVar]] = []
        self.A: list[list[cp_model.IntVar]] = []
        self.terms: list[Term] = []
        self.travel: list[cp_model.IntVar] | None = None
        """Each team's travel, built by the first travel rule."""
        self._and_cache: dict[tuple[int, ...], cp_model.IntVar] = {}

    @property
    def compact(self) -> bool:
        """Every team plays in every slot (even number of teams, no spare slots)."""
        rounds = (self.n - 1) * (2 if self.season.double_round_robin else 1)
        return self.n % 2 == 0 and self.ns == rounds

    def plays(self, t: int, s: int) -> LinearExpr:
        return self.H[t][s] + self.A[t][s]

    # -- amounts -----------------------------------------------------------------------------

    def strict(self, rule: Rule) -> bool:
        return rule.hard and not self.relax_hard

    def term(self, index: int, expr: Expr, ub: int) -> None:
        self.terms.append(Term(index, expr, ub))

    def excess(self, index: int, expr: Expr, limit: int, ub: int) -> None:
        """Amount ``max(0, expr - limit)`` for an expression known to lie in ``[.., ub]``."""
        if ub <= limit:
            return
        if self.strict(self.season.rules[index]):
            self.m.add(expr <= limit)
            return
        d = self.m.new_int_var(0, ub - limit, "")
        self.m.add_max_equality(d, [expr - limit, 0])
        self.term(index, d, ub - limit)

    def shortfall(self, index: int, expr: Expr, limit: int, lb: int = 0) -> None:
        """Amount ``max(0, limit - expr)`` for an expression known to be ``>= lb``."""
        if lb >= limit:
            return
        if self.strict(self.season.rules[index]):
            self.m.add(expr >= limit)
            return
        d = self.m.new_int_var(0, limit - lb, "")
        self.m.add_max_equality(d, [limit - expr, 0])
        self.term(index, d, limit - lb)

    def all_of(self, lits: list[cp_model.IntVar]) -> cp_model.IntVar:
        """An exact indicator of "every literal is true" (cached)."""
        key = tuple(sorted(v.index for v in lits))
        hit = self._and_cache.get(key)
        if hit is not None:
            return hit
        b = self.m.new_bool_var("")
        self.m.add_bool_and(lits).only_enforce_if(b)
        self.m.add_bool_or([v.Not() for v in lits] + [b])
        self._and_cache[key] = b
        return b

    def count(self, index: int, lits: list[cp_model.IntVar], limit: int = 0) -> None:
        """Amount ``max(0, sum(lits) - limit)``."""
        self.excess(index, _sum(lits), limit, len(lits))
