"""Rules that cannot be evaluated at all (a fixed game without teams, an index out of range).

The app shows these while the organiser edits; the evaluator and the solver refuse such a
season with ``ValueError`` rather than guess what was meant.
"""

from __future__ import annotations

from cadence.solve.season.model import RULE_KINDS, Rule, Season


def _rule_problems(season: Season, i: int, rule: Rule) -> list[str]:
    n, ns, nv = len(season.teams), len(season.slots), len(season.venues)
    where = f"rule {i + 1} ({rule.kind})"
    out = []
    if rule.kind not in RULE_KINDS:
        return [f"{where}: unknown kind"]
    if rule.weight < 0 or rule.value < 0:
        out.append(f"{where}: weight and value must not be negative")
    if any(not 0 <= t < n for t in rule.teams):
        out.append(f"{where}: team index out of range")
    if any(not 0 <= s < ns for s in rule.slots):
        out.append(f"{where}: slot index out of range")
    if rule.kind in ("fixed_game", "forbidden_game"):
        h, a = rule.home, rule.away
        if h is None or a is None or h == a or not (0 <= h < n and 0 <= a < n):
            out.append(f"{where}: needs two different teams as home and away")
    if rule.kind == "venue_unavailable" and (rule.venue is None or not 0 <= rule.venue < nv):
        out.append(f"{where}: needs a venue")
    if rule.kind == "team_unavailable" and rule.value not in (0, 1):
        out.append(f"{where}: value is 0 (no game) or 1 (no home game)")
    return out


def season_problems(season: Season) -> tuple[str, ...]:
    """Everything that makes the season unusable, in words for the organiser."""
    n = len(season.teams)
    out: list[str] = []
    if n < 2:
        out.append("a season needs at least two teams")
    for t, team in enumerate(season.teams):
        if team.venue is not None and not 0 <= team.venue < len(season.venues):
            out.append(f"team {team.name} (#{t}): venue index out of range")
    d = season.distances
    if d is not None and (len(d) != n or any(len(row) != n for row in d)):
        out.append(f"distances must be a {n} x {n} matrix")
    for i, rule in enumerate(season.rules):
        out += _rule_problems(season, i, rule)
    return tuple(out)


def check_season(season: Season) -> None:
    problems = season_problems(season)
    if problems:
        raise ValueError("; ".join(problems))
