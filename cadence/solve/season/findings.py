"""What one rule check reports, and the scopes every rule shares.

A rule with no ``teams`` applies to every team, one with no ``slots`` to every slot; pair
rules (repeaters, gaps) apply to every pair with at least one team in scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from cadence.solve.season.model import Game, Rule, Season


@dataclass(frozen=True)
class Finding:
    amount: int
    detail: str
    games: tuple[Game, ...] = ()


def scope_teams(season: Season, rule: Rule) -> tuple[int, ...]:
    return rule.teams or tuple(range(len(season.teams)))


def scope_slots(season: Season, rule: Rule) -> tuple[int, ...]:
    return rule.slots or tuple(range(len(season.slots)))


def scope_pairs(season: Season, rule: Rule) -> list[tuple[int, int]]:
    chosen = set(scope_teams(season, rule))
    n = len(season.teams)
    return [(i, j) for i in range(n) for j in range(i + 1, n) if i in chosen or j in chosen]


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
