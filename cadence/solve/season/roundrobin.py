"""A structurally valid starting schedule (circle method), used as the first hint and as the
fallback when the search finds nothing better: the caller then still gets a complete
schedule with its violations priced."""

from __future__ import annotations

import random

from cadence.solve.season.model import Game, Season


def circle_rounds(n: int) -> list[list[tuple[int, int]]]:
    """Rounds of a single round robin on ``n`` teams (odd n: one team rests each round),
    venues alternating so that the pattern has few breaks."""
    m = n + n % 2
    rounds: list[list[tuple[int, int]]] = []
    for r in range(m - 1):
        pairs = [(m - 1, r) if r % 2 else (r, m - 1)]
        for k in range(1, m // 2):
            a, b = (r + k) % (m - 1), (r - k) % (m - 1)
            pairs.append((a, b) if k % 2 else (b, a))
        rounds.append([(h, a) for h, a in pairs if h < n and a < n])
    return rounds


def _order(rounds: int, rng: random.Random, shuffle: bool) -> list[int]:
    order = list(range(rounds))
    if shuffle:
        rng.shuffle(order)
    return order


def start_schedule(
    season: Season, rng: random.Random, *, shuffle: bool = False
) -> list[Game] | None:
    """Circle-method schedule with teams relabelled at random; None if the slots are too few.

    Double round robins put one round robin in each half (second leg with venues swapped);
    ``shuffle`` also orders the rounds of each half at random (the same order in both halves
    when mirrored), for a different timetable on every call.
    """
    n, ns = len(season.teams), len(season.slots)
    rounds = circle_rounds(n)
    perm = list(range(n))
    rng.shuffle(perm)
    half = ns // 2
    games: list[Game] = []
    if not season.double_round_robin:
        if len(rounds) > ns:
            return None
        for slot, r in enumerate(_order(len(rounds), rng, shuffle)):
            games += [(perm[h], perm[a], slot) for h, a in rounds[r]]
        return games
    if len(rounds) > half:
        return None
    first = _order(len(rounds), rng, shuffle)
    second = first if season.mirrored else _order(len(rounds), rng, shuffle)
    for slot, r in enumerate(first):
        games += [(perm[h], perm[a], slot) for h, a in rounds[r]]
    for slot, r in enumerate(second):
        games += [(perm[a], perm[h], slot + half) for h, a in rounds[r]]
    return games
