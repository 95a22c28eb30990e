"""Travel in CP-SAT: where each team is in each slot, and a table constraint per leg.

``loc[t][s]`` is the team whose venue hosts team t's game in slot s (t itself at home); in a
bye the team stays where it was, as in the evaluator. Each leg's distance comes from a
table of (from, to, distance) triples, which CP-SAT propagates well on small leagues.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from cadence.solve.season.distances import season_distances
from cadence.solve.season.findings import scope_teams
from cadence.solve.season.model import Rule

if TYPE_CHECKING:
    from cadence.solve.season.cpsat_base import ModelBase

_sum = cp_model.LinearExpr.sum


def _location(sm: ModelBase, t: int, s: int, before: cp_model.IntVar | int) -> cp_model.IntVar:
    m, n = sm.m, sm.n
    loc = m.new_int_var(0, n - 1, f"loc{t}_{s}")
    where = t * sm.H[t][s] + _sum([o * sm.x[o, t, s] for o in range(n) if o != t])
    if sm.compact:
        m.add(loc == where)
        return loc
    p = m.new_bool_var("")
    m.add(p == sm.plays(t, s))
    m.add(loc == where).only_enforce_if(p)
    m.add(loc == before).only_enforce_if(p.Not())
    return loc


def _top(sm: ModelBase) -> int:
    """An upper bound of one team's travel: the longest leg, ``ns + 1`` times."""
    return max(max(row) for row in season_distances(sm.season)) * (sm.ns + 1)


def build_travel(sm: ModelBase) -> list[cp_model.IntVar]:
    d = season_distances(sm.season)
    n, m = sm.n, sm.m
    longest = max(max(row) for row in d)
    pairs = [(u, v, d[u][v]) for u in range(n) for v in range(n)]
    out = []
    for t in range(n):
        prev: cp_model.IntVar | int = t
        legs: list[cp_model.IntVar] = []
        for s in range(sm.ns):
            loc = _location(sm, t, s, prev)
            leg = m.new_int_var(0, longest, "")
            if isinstance(prev, int):
                m.add_element(loc, list(d[t]), leg)
            else:
                m.add_allowed_assignments([prev, loc, leg], pairs)
            legs.append(leg)
            prev = loc
        back = m.new_int_var(0, max(d[u][t] for u in range(n)), "")
        m.add_element(prev, [d[u][t] for u in range(n)], back)
        legs.append(back)
        total = m.new_int_var(0, _top(sm), f"travel{t}")
        m.add(total == _sum(legs))
        out.append(total)
    return out


def add_travel_rule(sm: ModelBase, i: int, rule: Rule) -> None:
    if sm.travel is None:
        sm.travel = build_travel(sm)
    travel = sm.travel
    teams = scope_teams(sm.season, rule)
    if not teams:
        return
    top = _top(sm)
    if rule.kind == "travel_total":
        sm.excess(i, _sum([travel[t] for t in teams]), rule.value, top * len(teams))
        return
    most = sm.m.new_int_var(0, top, "")
    least = sm.m.new_int_var(0, top, "")
    sm.m.add_max_equality(most, [travel[t] for t in teams])
    sm.m.add_min_equality(least, [travel[t] for t in teams])
    sm.excess(i, most - least, rule.value, top)
