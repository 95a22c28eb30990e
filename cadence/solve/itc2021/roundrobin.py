"""A plain phased double round robin (circle method), the fallback when the search finds
nothing better: the caller always gets a complete schedule with its violations priced."""

from __future__ import annotations

from cadence.solve.itc2021.model import Game


def circle_double_round_robin(n: int) -> list[Game]:
    """First half by the circle method, second half the same rounds with venues swapped."""
    games: list[Game] = []
    half = n - 1
    for r in range(half):
        pairs = [(n - 1, r) if r % 2 else (r, n - 1)]
        for k in range(1, n // 2):
            a, b = (r + k) % half, (r - k) % half
            pairs.append((a, b) if k % 2 else (b, a))
        for h, a in pairs:
            games.append((h, a, r))
            games.append((a, h, r + half))
    return games
