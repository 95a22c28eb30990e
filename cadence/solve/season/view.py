"""Lookup tables over a list of games, built once per evaluation.

Tolerant on purpose: a hand-edited schedule may have a team twice in one slot or games out of
range. Those are structure errors (reported elsewhere); the rule checks still run on what is
there, so the organiser sees every consequence of an edit at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from cadence.solve.season.model import Game, Season


class ScheduleView:
    def __init__(self, season: Season, games: Iterable[Game]) -> None:
        self.n = n = len(season.teams)
        self.n_slots = ns = len(season.slots)
        self.valid: list[Game] = []
        self.invalid: list[Game] = []
        for raw in games:
            h, a, s = (int(v) for v in raw)  # rows from JSON may be lists
            g = (h, a, s)
            if 0 <= h < n and 0 <= a < n and h != a and 0 <= s < ns:
                self.valid.append(g)
            else:
                self.invalid.append(g)
        self.valid.sort(key=lambda g: (g[2], g[0], g[1]))
        self.at: list[list[list[Game]]] = [[[] for _ in range(ns)] for _ in range(n)]
        self.pair: dict[tuple[int, int], list[Game]] = {}
        for g in self.valid:
            h, a, s = g
            self.at[h][s].append(g)
            self.at[a][s].append(g)
            self.pair.setdefault((min(h, a), max(h, a)), []).append(g)

    def home(self, t: int, s: int) -> bool | None:
        """True/False if team ``t`` plays at home/away in slot ``s`` (its first game there)."""
        here = self.at[t][s]
        return here[0][0] == t if here else None

    def game(self, t: int, s: int) -> Game | None:
        here = self.at[t][s]
        return here[0] if here else None

    def games_of(self, t: int) -> list[Game]:
        """Team ``t``'s games in slot order."""
        return [g for s in range(self.n_slots) for g in self.at[t][s]]

    def meetings(self, i: int, j: int) -> list[Game]:
        return self.pair.get((min(i, j), max(i, j)), [])
