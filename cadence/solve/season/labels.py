"""Human names for teams, slots and games in violation messages.

Slots are shown 1-based ("slot 1" is ``Season.slots[0]``), with their date when known, because
these strings go straight to organisers.
"""

from __future__ import annotations

from collections.abc import Iterable

from cadence.solve.season.model import Game, Season


def team_label(season: Season, t: int) -> str:
    if 0 <= t < len(season.teams):
        return season.teams[t].name
    return f"team #{t}"


def slot_label(season: Season, s: int) -> str:
    if 0 <= s < len(season.slots):
        when = season.slots[s].starts_at
        return f"slot {s + 1} ({when.date().isoformat()})" if when else f"slot {s + 1}"
    return f"slot #{s}"


def slots_label(season: Season, slots: Iterable[int]) -> str:
    return ", ".join(slot_label(season, s) for s in slots)


def game_label(season: Season, game: Game) -> str:
    h, a, s = game
    return f"{team_label(season, h)} v {team_label(season, a)} in {slot_label(season, s)}"


def games_label(season: Season, games: Iterable[Game]) -> str:
    return "; ".join(game_label(season, g) for g in games)
