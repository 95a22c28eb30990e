"""Travel per team, TTP-style: a team starts and ends the season at home and goes from venue to
venue between consecutive away games (a bye does not send it home)."""

from __future__ import annotations

from cadence.solve.season.findings import Finding, scope_teams
from cadence.solve.season.labels import team_label
from cadence.solve.season.model import Rule, Season
from cadence.solve.season.view import ScheduleView


def team_travel(view: ScheduleView, t: int, distances: tuple[tuple[int, ...], ...]) -> int:
    where, total = t, 0
    for h, _, _ in view.games_of(t):
        total += distances[where][h]
        where = h
    return total + distances[where][t]


def _unit(season: Season) -> str:
    return " km" if season.distances is None else ""


def total(season: Season, rule: Rule, travel: list[int]) -> list[Finding]:
    """Travel of the rule's teams beyond ``value`` (0: all of it is priced)."""
    km = sum(travel[t] for t in scope_teams(season, rule))
    if km <= rule.value:
        return []
    cap = f", {rule.value}{_unit(season)} allowed" if rule.value else ""
    return [Finding(km - rule.value, f"total travel {km}{_unit(season)}{cap}")]


def fairness(season: Season, rule: Rule, travel: list[int]) -> list[Finding]:
    """Spread between the most and the least travelling team, beyond ``value``."""
    teams = scope_teams(season, rule)
    if not teams:
        return []
    most = max(teams, key=lambda t: travel[t])
    least = min(teams, key=lambda t: travel[t])
    spread = travel[most] - travel[least]
    if spread <= rule.value:
        return []
    u = _unit(season)
    return [
        Finding(
            spread - rule.value,
            f"travel ranges from {travel[least]}{u} ({team_label(season, least)}) to "
            f"{travel[most]}{u} ({team_label(season, most)}): spread {spread}{u}, "
            f"at most {rule.value}{u} wanted",
        )
    ]
