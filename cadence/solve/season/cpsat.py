"""CP-SAT model of a season: the round-robin structure as constraints, every rule as either a
constraint (hard, strict mode) or an exact amount variable priced in the objective.

In relaxed mode hard rules are priced too, at ``hard_weight`` (one more than the largest
possible soft cost), so the search can walk towards feasibility; structure is always hard.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from cadence.solve.season import cpsat_rules
from cadence.solve.season.cpsat_base import LinearExpr, ModelBase
from cadence.solve.season.model import Game, Season

_sum = cp_model.LinearExpr.sum


class SeasonModel(ModelBase):
    """``soft_travel=False`` leaves soft travel rules out (for finding a first schedule)."""

    def __init__(self, season: Season, *, relax_hard: bool, soft_travel: bool = True) -> None:
        super().__init__(season, relax_hard=relax_hard)
        n, ns, m = self.n, self.ns, self.m
        self.x = {
            (h, a, s): m.new_bool_var(f"x{h}_{a}_{s}")
            for h in range(n)
            for a in range(n)
            if h != a
            for s in range(ns)
        }
        self._structure()
        self.H = [[self._side(t, s, True) for s in range(ns)] for t in range(n)]
        self.A = [[self._side(t, s, False) for s in range(ns)] for t in range(n)]
        self._counts()
        self._shared_venues()
        for i, rule in enumerate(season.rules):
            if soft_travel or rule.hard or not rule.kind.startswith("travel"):
                cpsat_rules.add_rule(self, i, rule)
        self._objective()

    # -- structure ---------------------------------------------------------------------------

    def _structure(self) -> None:
        m, x, n, ns, half = self.m, self.x, self.n, self.ns, self.half
        season = self.season
        for i in range(n):
            for j in range(i + 1, n):
                both = [v for s in range(ns) for v in (x[i, j, s], x[j, i, s])]
                if not season.double_round_robin:
                    m.add_exactly_one(both)
                    continue
                m.add_exactly_one(x[i, j, s] for s in range(ns))
                m.add_exactly_one(x[j, i, s] for s in range(ns))
                if season.phased or season.mirrored:
                    m.add_exactly_one(v for s in range(half) for v in (x[i, j, s], x[j, i, s]))
                if season.mirrored:
                    for s in range(half):
                        m.add(x[i, j, s] == x[j, i, s + half])
                        m.add(x[j, i, s] == x[i, j, s + half])
                    for s in range(2 * half, ns):
                        m.add(x[i, j, s] == 0)
                        m.add(x[j, i, s] == 0)
        for t in range(n):
            for s in range(ns):
                mine = [x[t, o, s] for o in range(n) if o != t] + [
                    x[o, t, s] for o in range(n) if o != t
                ]
                if self.compact:
                    m.add_exactly_one(mine)
                else:
                    m.add_at_most_one(mine)

    def _counts(self) -> None:
        """Redundant counts (each slot as many hosts as guests, each team its number of home
        games) that the sums over ``x`` imply but CP-SAT propagates better this way."""
        for s in range(self.ns):
            self.m.add(_sum([h[s] for h in self.H]) == _sum([a[s] for a in self.A]))
        if self.season.double_round_robin:
            for t in range(self.n):
                self.m.add(_sum(self.H[t]) == self.n - 1)
                self.m.add(_sum(self.A[t]) == self.n - 1)

    def _shared_venues(self) -> None:
        """At most one home game per shared venue and slot (always hard, like structure)."""
        if not self.season.shared_venues_clash:
            return
        hosts: dict[int, list[int]] = {}
        for t, team in enumerate(self.season.teams):
            if team.venue is not None:
                hosts.setdefault(team.venue, []).append(t)
        for teams in hosts.values():
            if len(teams) > 1:
                for s in range(self.ns):
                    self.m.add_at_most_one(self.H[t][s] for t in teams)

    def _side(self, t: int, s: int, home: bool) -> cp_model.IntVar:
        """A boolean equal to "team t plays at home (away) in slot s"."""
        v = self.m.new_bool_var(f"{'H' if home else 'A'}{t}_{s}")
        games = [self.x[(t, o, s) if home else (o, t, s)] for o in range(self.n) if o != t]
        self.m.add(v == _sum(games))
        return v

    # -- objective and solutions -------------------------------------------------------------

    def _objective(self) -> None:
        rules = self.season.rules
        soft = [(rules[t.rule].weight, t) for t in self.terms if not rules[t.rule].hard]
        hard = [t for t in self.terms if rules[t.rule].hard]
        soft_ub = sum(w * t.ub for w, t in soft)
        hard_ub = sum(t.ub for t in hard)
        self.hard_weight = soft_ub + 1
        self.hard_total = self.m.new_int_var(0, hard_ub, "hard")
        self.soft_total = self.m.new_int_var(0, soft_ub, "soft")
        self.m.add(self.hard_total == _sum([t.expr for t in hard]))
        self.m.add(
            self.soft_total
            == LinearExpr.weighted_sum([t.expr for _, t in soft], [w for w, _ in soft])
        )
        self.m.minimize(self.hard_weight * self.hard_total + self.soft_total)

    def games(self, solver: cp_model.CpSolver) -> list[Game]:
        return [key for key, v in self.x.items() if solver.boolean_value(v)]

    def totals(self, solver: cp_model.CpSolver) -> tuple[int, int]:
        """(hard, soft) as the model counts them, to be compared with the evaluator."""
        return solver.value(self.hard_total), solver.value(self.soft_total)
