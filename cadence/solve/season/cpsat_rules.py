"""Each rule kind as CP-SAT constraints or exact amounts, mirroring the evaluator's definitions
(runs and breaks on adjacent slots, gaps as slots strictly between, rest on calendar days)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from cadence.solve.season import cpsat_travel
from cadence.solve.season.findings import scope_pairs, scope_slots, scope_teams
from cadence.solve.season.model import Rule

if TYPE_CHECKING:
    from cadence.solve.season.cpsat_base import ModelBase

_sum = cp_model.LinearExpr.sum


def _consecutive(sm: ModelBase, i: int, rule: Rule, home: bool) -> None:
    k = rule.value
    side = sm.H if home else sm.A
    for t in scope_teams(sm.season, rule):
        for start in range(sm.ns - k):
            window = side[t][start : start + k + 1]
            if sm.strict(rule):
                sm.m.add(_sum(window) <= k)
            else:
                sm.term(i, sm.all_of(window), 1)


def _repeaters(sm: ModelBase, i: int, rule: Rule) -> None:
    x = sm.x
    for a, b in scope_pairs(sm.season, rule):
        for s in range(1, sm.ns):
            before = [x[a, b, s - 1], x[b, a, s - 1]]
            now = [x[a, b, s], x[b, a, s]]
            if sm.strict(rule):
                sm.m.add(_sum(before + now) <= 1)
                continue
            r = sm.m.new_bool_var("")
            sm.m.add(r >= _sum(before + now) - 1)
            sm.m.add(r <= _sum(before))
            sm.m.add(r <= _sum(now))
            sm.term(i, r, 1)


def breaks(sm: ModelBase, t: int, slots: tuple[int, ...]) -> list[cp_model.IntVar]:
    out = []
    for s in slots:
        if s >= 1:
            out.append(sm.all_of([sm.H[t][s - 1], sm.H[t][s]]))
            out.append(sm.all_of([sm.A[t][s - 1], sm.A[t][s]]))
    return out


def _breaks_per_team(sm: ModelBase, i: int, rule: Rule) -> None:
    slots = scope_slots(sm.season, rule)
    for t in scope_teams(sm.season, rule):
        b = breaks(sm, t, slots)
        sm.excess(i, _sum(b), rule.value, len(b) // 2)


def _breaks_total(sm: ModelBase, i: int, rule: Rule) -> None:
    slots = scope_slots(sm.season, rule)
    b = [v for t in scope_teams(sm.season, rule) for v in breaks(sm, t, slots)]
    sm.excess(i, _sum(b), rule.value, len(b) // 2)


def _balance(sm: ModelBase, i: int, rule: Rule) -> None:
    slots = scope_slots(sm.season, rule)
    for t in scope_teams(sm.season, rule):
        diff = _sum([sm.H[t][s] for s in slots]) - _sum([sm.A[t][s] for s in slots])
        gap = sm.m.new_int_var(0, len(slots), "")
        sm.m.add_abs_equality(gap, diff)
        sm.excess(i, gap, rule.value, len(slots))


def _fixed(sm: ModelBase, i: int, rule: Rule) -> None:
    assert rule.home is not None and rule.away is not None
    met = _sum([sm.x[rule.home, rule.away, s] for s in scope_slots(sm.season, rule)])
    sm.shortfall(i, met, 1)


def _forbidden(sm: ModelBase, i: int, rule: Rule) -> None:
    assert rule.home is not None and rule.away is not None
    lits = [sm.x[rule.home, rule.away, s] for s in scope_slots(sm.season, rule)]
    sm.count(i, lits)


def _team_unavailable(sm: ModelBase, i: int, rule: Rule) -> None:
    for t in scope_teams(sm.season, rule):
        for s in scope_slots(sm.season, rule):
            sm.count(i, [sm.H[t][s]] if rule.value else [sm.H[t][s], sm.A[t][s]])


def _venue_unavailable(sm: ModelBase, i: int, rule: Rule) -> None:
    hosts = [t for t, team in enumerate(sm.season.teams) if team.venue == rule.venue]
    for t in hosts:
        for s in scope_slots(sm.season, rule):
            sm.count(i, [sm.H[t][s]])


def _min_gap(sm: ModelBase, i: int, rule: Rule) -> None:
    if not sm.season.double_round_robin:
        return
    ns, x = sm.ns, sm.x
    for a, b in scope_pairs(sm.season, rule):
        pa = cp_model.LinearExpr.weighted_sum([x[a, b, s] for s in range(ns)], list(range(ns)))
        pb = cp_model.LinearExpr.weighted_sum([x[b, a, s] for s in range(ns)], list(range(ns)))
        dist = sm.m.new_int_var(1, ns, "")
        sm.m.add_abs_equality(dist, pa - pb)
        sm.shortfall(i, dist - 1, rule.value)


def _rest_days(sm: ModelBase, i: int, rule: Rule) -> None:
    """Every pair of slots too close in days; it counts when the team plays both and nothing
    between (then they are consecutive games)."""
    dates = [slot.starts_at for slot in sm.season.slots]
    for t in scope_teams(sm.season, rule):
        for s1 in range(sm.ns):
            for s2 in range(s1 + 1, sm.ns):
                d1, d2 = dates[s1], dates[s2]
                if d1 is None or d2 is None or abs((d2.date() - d1.date()).days) >= rule.value:
                    continue
                p1, p2 = sm.plays(t, s1), sm.plays(t, s2)
                between = _sum([sm.plays(t, s) for s in range(s1 + 1, s2)])
                if sm.strict(rule):
                    sm.m.add(p1 + p2 - between <= 1)
                    continue
                c = sm.m.new_bool_var("")
                sm.m.add(c >= p1 + p2 - 1 - between)
                sm.m.add(c <= p1)
                sm.m.add(c <= p2)
                for s in range(s1 + 1, s2):
                    sm.m.add(c <= 1 - sm.plays(t, s))
                sm.term(i, c, 1)


def add_rule(sm: ModelBase, i: int, rule: Rule) -> None:
    kind = rule.kind
    if kind == "max_consecutive_home":
        _consecutive(sm, i, rule, True)
    elif kind == "max_consecutive_away":
        _consecutive(sm, i, rule, False)
    elif kind == "no_repeaters":
        _repeaters(sm, i, rule)
    elif kind == "max_breaks_per_team":
        _breaks_per_team(sm, i, rule)
    elif kind == "max_breaks_total":
        _breaks_total(sm, i, rule)
    elif kind == "home_away_balance":
        _balance(sm, i, rule)
    elif kind == "fixed_game":
        _fixed(sm, i, rule)
    elif kind == "forbidden_game":
        _forbidden(sm, i, rule)
    elif kind == "team_unavailable":
        _team_unavailable(sm, i, rule)
    elif kind == "venue_unavailable":
        _venue_unavailable(sm, i, rule)
    elif kind == "min_gap_between_meetings":
        _min_gap(sm, i, rule)
    elif kind == "min_rest_days":
        _rest_days(sm, i, rule)
    elif kind in ("travel_total", "travel_fairness"):
        cpsat_travel.add_travel_rule(sm, i, rule)
    else:
        raise ValueError(f"unsupported rule kind {kind}")
