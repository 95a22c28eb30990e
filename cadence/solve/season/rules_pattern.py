"""Rules about where each team plays (home or away) slot after slot.

Runs and breaks are read on consecutive *slots*: a slot without a game (a bye) ends a run,
so "three home games in a row" means three adjacent slots at home.
"""

from __future__ import annotations

from cadence.solve.season.findings import Finding, plural, scope_pairs, scope_slots, scope_teams
from cadence.solve.season.labels import games_label, slot_label, slots_label, team_label
from cadence.solve.season.model import Game, Rule, Season
from cadence.solve.season.view import ScheduleView


def consecutive(season: Season, rule: Rule, view: ScheduleView, at_home: bool) -> list[Finding]:
    """Runs longer than ``value``; a run of L adjacent home (away) slots costs L - value."""
    where = "home" if at_home else "away"
    out = []
    for t in scope_teams(season, rule):
        run: list[Game] = []
        for s in range(view.n_slots + 1):
            g = view.game(t, s) if s < view.n_slots else None
            if g is not None and view.home(t, s) is at_home:
                run.append(g)
                continue
            if len(run) > rule.value:
                out.append(
                    Finding(
                        len(run) - rule.value,
                        f"{team_label(season, t)} plays {len(run)} {where} games in a row "
                        f"({slot_label(season, run[0][2])} to {slot_label(season, run[-1][2])}),"
                        f" at most {rule.value} allowed: {games_label(season, run)}",
                        tuple(run),
                    )
                )
            run = []
    return out


def repeaters(season: Season, rule: Rule, view: ScheduleView) -> list[Finding]:
    """A pair meeting in two adjacent slots, counted once per adjacent pair of slots."""
    out = []
    for i, j in scope_pairs(season, rule):
        met = {g[2]: g for g in view.meetings(i, j)}
        for s in sorted(met):
            if s - 1 in met:
                games = (met[s - 1], met[s])
                out.append(
                    Finding(
                        1,
                        f"{team_label(season, i)} and {team_label(season, j)} meet in "
                        f"consecutive slots: {games_label(season, games)}",
                        games,
                    )
                )
    return out


def breaks_of(view: ScheduleView, t: int, slots: tuple[int, ...]) -> list[int]:
    """Slots ``s`` (in ``slots``, s >= 1) where team t plays on the same side as in s - 1."""
    out = []
    for s in slots:
        if s >= 1:
            before, now = view.home(t, s - 1), view.home(t, s)
            if before is not None and before is now:
                out.append(s)
    return out


def _break_games(view: ScheduleView, t: int, slots: list[int]) -> tuple[Game, ...]:
    games: list[Game] = []
    for s in slots:
        for g in (view.game(t, s - 1), view.game(t, s)):
            if g is not None and g not in games:
                games.append(g)
    return tuple(games)


def breaks_per_team(season: Season, rule: Rule, view: ScheduleView) -> list[Finding]:
    out = []
    for t in scope_teams(season, rule):
        found = breaks_of(view, t, scope_slots(season, rule))
        if len(found) > rule.value:
            out.append(
                Finding(
                    len(found) - rule.value,
                    f"{team_label(season, t)} has {plural(len(found), 'break')} (in "
                    f"{slots_label(season, found)}), at most {rule.value} allowed",
                    _break_games(view, t, found),
                )
            )
    return out


def breaks_total(season: Season, rule: Rule, view: ScheduleView) -> list[Finding]:
    slots = scope_slots(season, rule)
    per_team = {t: breaks_of(view, t, slots) for t in scope_teams(season, rule)}
    total = sum(len(b) for b in per_team.values())
    if total <= rule.value:
        return []
    who = ", ".join(f"{team_label(season, t)} {len(b)}" for t, b in per_team.items() if b)
    games = tuple(g for t, b in per_team.items() for g in _break_games(view, t, b))
    return [
        Finding(
            total - rule.value,
            f"{plural(total, 'break')} in the league ({who}), at most {rule.value} allowed",
            games,
        )
    ]


def balance(season: Season, rule: Rule, view: ScheduleView) -> list[Finding]:
    """|home - away| over the rule's slots, beyond ``value``."""
    out = []
    slots = scope_slots(season, rule)
    for t in scope_teams(season, rule):
        sides = [view.home(t, s) for s in slots]
        home, away = sides.count(True), sides.count(False)
        if abs(home - away) > rule.value:
            out.append(
                Finding(
                    abs(home - away) - rule.value,
                    f"{team_label(season, t)} plays {plural(home, 'home game')} and "
                    f"{away} away (difference {abs(home - away)}, at most {rule.value} allowed)",
                )
            )
    return out
