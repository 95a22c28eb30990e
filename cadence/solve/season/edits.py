"""Manual edits: pure functions returning the new game tuple, so the app can re-evaluate it
with :func:`evaluate_season` and show what the edit breaks."""

from __future__ import annotations

from collections.abc import Sequence

from cadence.solve.season.model import Game


def _index(games: Sequence[Game], i: int) -> int:
    if not 0 <= i < len(games):
        raise IndexError(f"game index {i} out of range (0..{len(games) - 1})")
    return i


def move_game(games: Sequence[Game], game_index: int, new_slot: int) -> tuple[Game, ...]:
    """The game at ``game_index`` moved to ``new_slot``; every other game unchanged."""
    i = _index(games, game_index)
    h, a, _ = games[i]
    return (*games[:i], (h, a, new_slot), *games[i + 1 :])


def swap_games(games: Sequence[Game], i: int, j: int) -> tuple[Game, ...]:
    """Games ``i`` and ``j`` exchange their slots (home and away stay as they are)."""
    i, j = _index(games, i), _index(games, j)
    out = list(games)
    (hi, ai, si), (hj, aj, sj) = games[i], games[j]
    out[i], out[j] = (hi, ai, sj), (hj, aj, si)
    return tuple(out)


def swap_home_away(games: Sequence[Game], game_index: int) -> tuple[Game, ...]:
    """The game at ``game_index`` with home and away exchanged (same slot)."""
    i = _index(games, game_index)
    h, a, s = games[i]
    return (*games[:i], (a, h, s), *games[i + 1 :])
