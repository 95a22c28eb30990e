"""The price of a schedule, team by team, as compiled kernels (the annealer's delta pricing).

Why per team: every rule kind is a sum of figures that one team's row determines, or a
simple function (``max(0, sum - value)``, a spread) of such figures. A move changes a few
rows, so re-pricing those rows and re-adding ``q`` (``teams x rules``) prices the move
exactly, without the evaluator. The definitions are the evaluator's (``rules_pattern``,
``rules_games``, ``travel``), re-written on rows; the annealer checks that both agree on the
first schedule and on every best schedule it hands back.

A pair rule (repeaters, gaps) is charged to the pair's lower-numbered team, a fixed or
forbidden game to its home team: a move that changes a meeting changes both teams' rows.
"""

from __future__ import annotations

from cadence.solve.jit import compiled, inlined
from cadence.solve.season.encoding import AWAY, HARD, HOME, KIND, KIND_CODE, VALUE, WEIGHT, IntArray

CONSEC_HOME = KIND_CODE["max_consecutive_home"]
CONSEC_AWAY = KIND_CODE["max_consecutive_away"]
REPEATERS = KIND_CODE["no_repeaters"]
BREAKS_TEAM = KIND_CODE["max_breaks_per_team"]
BREAKS_TOTAL = KIND_CODE["max_breaks_total"]
FIXED = KIND_CODE["fixed_game"]
FORBIDDEN = KIND_CODE["forbidden_game"]
BALANCE = KIND_CODE["home_away_balance"]
MIN_GAP = KIND_CODE["min_gap_between_meetings"]
TEAM_OFF = KIND_CODE["team_unavailable"]
VENUE_OFF = KIND_CODE["venue_unavailable"]
REST_DAYS = KIND_CODE["min_rest_days"]
TRAVEL_TOTAL = KIND_CODE["travel_total"]
TRAVEL_FAIRNESS = KIND_CODE["travel_fairness"]


@inlined
def opponent(code: int) -> int:
    """The opponent in a non-zero cell."""
    return code - 1 if code > 0 else -code - 1


@inlined
def _travel(rows: IntArray, t: int, dist: IntArray) -> int:
    """TTP-style tour: from home, venue to venue, back home; a bye does not send it home."""
    where = t
    total = 0
    for s in range(rows.shape[1]):
        c = rows[t, s]
        if c != 0:
            host = t if c > 0 else -c - 1
            total += dist[where, host]
            where = host
    return int(total + dist[where, t])


@inlined
def _runs(rows: IntArray, t: int, sign: int, k: int) -> int:
    """Sum of ``L - k`` over runs of ``L > k`` adjacent home (sign 1) or away (-1) slots."""
    ns = rows.shape[1]
    run = 0
    amount = 0
    for s in range(ns + 1):
        if s < ns and rows[t, s] * sign > 0:
            run += 1
            continue
        if run > k:
            amount += run - k
        run = 0
    return amount


@inlined
def _breaks(rows: IntArray, t: int, smask: IntArray, r: int) -> int:
    """Slots in scope where the team plays on the same side as in the slot before."""
    count = 0
    for s in range(1, rows.shape[1]):
        if smask[r, s] and rows[t, s - 1] * rows[t, s] > 0:
            count += 1
    return count


@inlined
def _repeaters(rows: IntArray, t: int, tmask: IntArray, r: int) -> int:
    """Meetings in adjacent slots with a higher-numbered opponent, pair in scope."""
    count = 0
    for s in range(1, rows.shape[1]):
        c = rows[t, s]
        p = rows[t, s - 1]
        if c != 0 and p != 0:
            o = opponent(c)
            if o == opponent(p) and o > t and (tmask[r, t] or tmask[r, o]):
                count += 1
    return count


@inlined
def _min_gap(rows: IntArray, t: int, tmask: IntArray, r: int, value: int) -> int:
    """Shortfall of slots strictly between two meetings, higher-numbered opponents."""
    ns = rows.shape[1]
    amount = 0
    for s1 in range(ns):
        c = rows[t, s1]
        if c == 0:
            continue
        o = opponent(c)
        if o <= t or not (tmask[r, t] or tmask[r, o]):
            continue
        for s2 in range(s1 + 1, ns):
            if rows[t, s2] != 0 and opponent(rows[t, s2]) == o:
                between = s2 - s1 - 1
                if between < value:
                    amount += value - between
                break
    return amount


@inlined
def _count(rows: IntArray, t: int, smask: IntArray, r: int, code: int, home_only: bool) -> int:
    """Games in scope: against ``code`` exactly (code != 0), or any (home games only)."""
    count = 0
    for s in range(rows.shape[1]):
        c = rows[t, s]
        if smask[r, s] and c != 0:
            if code != 0:
                count += c == code
            elif not home_only or c > 0:
                count += 1
    return count


@inlined
def _balance(rows: IntArray, t: int, smask: IntArray, r: int) -> int:
    diff = 0
    for s in range(rows.shape[1]):
        if smask[r, s] and rows[t, s] != 0:
            diff += 1 if rows[t, s] > 0 else -1
    return abs(diff)


@inlined
def _rest(rows: IntArray, t: int, day: IntArray, value: int) -> int:
    """Consecutive games (byes skipped) of dated slots fewer than ``value`` days apart."""
    count = 0
    prev = -1
    for s in range(rows.shape[1]):
        if rows[t, s] != 0:
            if prev >= 0 and day[prev] >= 0 and day[s] >= 0 and abs(day[s] - day[prev]) < value:
                count += 1
            prev = s
    return count


@compiled
def price_team(
    rows: IntArray,
    t: int,
    dist: IntArray,
    rules: IntArray,
    tmask: IntArray,
    smask: IntArray,
    day: IntArray,
    q: IntArray,
    km: IntArray,
) -> None:
    """Team ``t``'s travel into ``km[t]`` and its figure for every rule into ``q[t]``."""
    km[t] = _travel(rows, t, dist)
    for r in range(rules.shape[0]):
        kind = rules[r, KIND]
        v = rules[r, VALUE]
        x = 0
        mine = tmask[r, t] != 0
        if kind == CONSEC_HOME and mine:
            x = _runs(rows, t, 1, v)
        elif kind == CONSEC_AWAY and mine:
            x = _runs(rows, t, -1, v)
        elif kind == REPEATERS:
            x = _repeaters(rows, t, tmask, r)
        elif kind == MIN_GAP:
            x = _min_gap(rows, t, tmask, r, v)
        elif kind == BREAKS_TEAM and mine:
            x = max(0, _breaks(rows, t, smask, r) - v)
        elif kind == BREAKS_TOTAL and mine:
            x = _breaks(rows, t, smask, r)
        elif kind == FIXED and t == rules[r, HOME]:
            x = 1 if _count(rows, t, smask, r, rules[r, AWAY] + 1, False) == 0 else 0
        elif kind == FORBIDDEN and t == rules[r, HOME]:
            x = _count(rows, t, smask, r, rules[r, AWAY] + 1, False)
        elif kind == BALANCE and mine:
            x = max(0, _balance(rows, t, smask, r) - v)
        elif kind == TEAM_OFF and mine:
            x = _count(rows, t, smask, r, 0, v == 1)
        elif kind == VENUE_OFF and mine:
            x = _count(rows, t, smask, r, 0, True)
        elif kind == REST_DAYS and mine:
            x = _rest(rows, t, day, v)
        q[t, r] = x


@compiled
def clashes(rows: IntArray, venue: IntArray) -> int:
    """(slot, venue) pairs where two teams sharing the venue both play at home."""
    n, ns = rows.shape
    count = 0
    for s in range(ns):
        for t1 in range(n):
            v = venue[t1]
            if v < 0 or rows[t1, s] <= 0:
                continue
            first = True
            for t0 in range(t1):
                if venue[t0] == v and rows[t0, s] > 0:
                    first = False
            if not first:
                continue
            for t2 in range(t1 + 1, n):
                if venue[t2] == v and rows[t2, s] > 0:
                    count += 1
                    break
    return count


@compiled
def totals(q: IntArray, km: IntArray, rules: IntArray, tmask: IntArray, out: IntArray) -> None:
    """``out[0]`` = hard amount of the rules, ``out[1]`` = soft cost, from ``q`` and ``km``."""
    n = q.shape[0]
    hard = 0
    cost = 0
    for r in range(rules.shape[0]):
        kind = rules[r, KIND]
        v = rules[r, VALUE]
        amount = 0
        if kind in (TRAVEL_TOTAL, BREAKS_TOTAL):
            total = 0
            for t in range(n):
                if tmask[r, t]:
                    total += km[t] if kind == TRAVEL_TOTAL else q[t, r]
            amount = max(0, total - v)
        elif kind == TRAVEL_FAIRNESS:
            most = -1
            least = -1
            for t in range(n):
                if tmask[r, t]:
                    if most < 0 or km[t] > most:
                        most = km[t]
                    if least < 0 or km[t] < least:
                        least = km[t]
            amount = max(0, most - least - v)
        else:
            for t in range(n):
                amount += q[t, r]
        if rules[r, HARD]:
            hard += amount
        else:
            cost += rules[r, WEIGHT] * amount
    out[0] = hard
    out[1] = cost
