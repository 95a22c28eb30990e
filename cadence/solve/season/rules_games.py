"""Rules about particular games, slots and dates: fixed and forbidden games, availability,
the gap between a pair's two meetings, rest days."""

from __future__ import annotations

from itertools import pairwise

from cadence.solve.season.findings import Finding, plural, scope_pairs, scope_slots, scope_teams
from cadence.solve.season.labels import game_label, games_label, slots_label, team_label
from cadence.solve.season.model import Rule, Season
from cadence.solve.season.view import ScheduleView


def _meeting(season: Season, rule: Rule) -> tuple[int, int, str]:
    assert rule.home is not None and rule.away is not None
    name = f"{team_label(season, rule.home)} v {team_label(season, rule.away)}"
    return rule.home, rule.away, name


def fixed(season: Season, rule: Rule, view: ScheduleView) -> list[Finding]:
    """``home`` hosts ``away`` in one of ``slots`` (any slot when empty)."""
    h, a, name = _meeting(season, rule)
    slots = set(scope_slots(season, rule))
    hosted = [g for g in view.meetings(h, a) if g[0] == h]
    if any(g[2] in slots for g in hosted):
        return []
    where = f"in {slots_label(season, sorted(slots))}" if rule.slots else "somewhere"
    actual = f"it is {games_label(season, hosted)}" if hosted else "it is not scheduled"
    return [Finding(1, f"{name} must be played {where}; {actual}", tuple(hosted))]


def forbidden(season: Season, rule: Rule, view: ScheduleView) -> list[Finding]:
    h, a, name = _meeting(season, rule)
    slots = set(scope_slots(season, rule))
    return [
        Finding(1, f"{name} may not be played in {slots_label(season, [g[2]])}", (g,))
        for g in view.meetings(h, a)
        if g[0] == h and g[2] in slots
    ]


def team_unavailable(season: Season, rule: Rule, view: ScheduleView) -> list[Finding]:
    """``value`` 0: the team may not play at all in ``slots``; 1: not at home."""
    out = []
    for t in scope_teams(season, rule):
        for s in scope_slots(season, rule):
            for g in view.at[t][s]:
                if rule.value == 0:
                    why = f"{team_label(season, t)} is unavailable"
                elif g[0] == t:
                    why = f"{team_label(season, t)} cannot play at home"
                else:
                    continue
                out.append(Finding(1, f"{why} but plays {game_label(season, g)}", (g,)))
    return out


def venue_unavailable(season: Season, rule: Rule, view: ScheduleView) -> list[Finding]:
    assert rule.venue is not None
    name = season.venues[rule.venue].name
    hosts = [t for t, team in enumerate(season.teams) if team.venue == rule.venue]
    return [
        Finding(1, f"venue {name} is unavailable but hosts {game_label(season, g)}", (g,))
        for t in hosts
        for s in scope_slots(season, rule)
        for g in view.at[t][s]
        if g[0] == t
    ]


def min_gap(season: Season, rule: Rule, view: ScheduleView) -> list[Finding]:
    """Slots strictly between a pair's two meetings, short of ``value`` (double round robin)."""
    out = []
    for i, j in scope_pairs(season, rule):
        met = sorted(view.meetings(i, j), key=lambda g: g[2])
        if len(met) != 2:
            continue
        between = met[1][2] - met[0][2] - 1
        if between < rule.value:
            out.append(
                Finding(
                    rule.value - between,
                    f"{team_label(season, i)} and {team_label(season, j)} meet with only "
                    f"{plural(between, 'slot')} between (at least {rule.value} wanted): "
                    f"{games_label(season, met)}",
                    tuple(met),
                )
            )
    return out


def rest_days(season: Season, rule: Rule, view: ScheduleView) -> list[Finding]:
    """Two consecutive games of a team fewer than ``value`` calendar days apart (slots
    without a date are never too close)."""
    out = []
    for t in scope_teams(season, rule):
        games = view.games_of(t)
        for g1, g2 in pairwise(games):
            d1, d2 = season.slots[g1[2]].starts_at, season.slots[g2[2]].starts_at
            if d1 is None or d2 is None:
                continue
            days = abs((d2.date() - d1.date()).days)
            if days < rule.value:
                out.append(
                    Finding(
                        1,
                        f"{team_label(season, t)} plays twice within {plural(days, 'day')} "
                        f"(at least {rule.value} wanted): {games_label(season, (g1, g2))}",
                        (g1, g2),
                    )
                )
    return out
