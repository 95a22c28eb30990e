"""Local search for travel between CP-SAT steps: swap homes, swap slots, swap teams.

Why: CP-SAT LNS improves travel slowly (each step rebuilds and presolves a model with a
table per leg), while the TTP's classic moves are cheap to price for travel alone. A move
whose travel gain is promising is then priced in full by the evaluator and kept only if the
schedule gets strictly better ((hard, cost) lexicographically). Every move keeps the round
robin's shape: a pair's two meetings swap venues, two slots of one half swap (with their
mirror slots), or two teams swap fixtures (except against each other).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from cadence.solve.season.distances import season_distances
from cadence.solve.season.evaluator import evaluate_season
from cadence.solve.season.model import Game, Season, SeasonEvaluation

MOVE_CHARGE = 0.0002
"""Deterministic seconds charged per move tried (travel only)."""
EVAL_CHARGE = 0.002
"""Deterministic seconds charged per full evaluation."""


def _swap_homes(games: list[Game], rng: random.Random, season: Season) -> list[Game]:
    h, a, _ = games[rng.randrange(len(games))]
    pair = {h, a}
    where = [k for k, g in enumerate(games) if {g[0], g[1]} == pair]
    out = list(games)
    if len(where) == 2:  # double round robin: the two meetings trade slots
        k, m = where
        out[k] = (games[k][0], games[k][1], games[m][2])
        out[m] = (games[m][0], games[m][1], games[k][2])
    else:
        for k in where:
            out[k] = (games[k][1], games[k][0], games[k][2])
    return out


def _swap_slots(games: list[Game], rng: random.Random, season: Season) -> list[Game]:
    ns, half = len(season.slots), len(season.slots) // 2
    halves = season.double_round_robin and (season.phased or season.mirrored)
    pool = range(half) if halves else range(ns)
    k, m = rng.sample(list(pool), 2)
    if halves and not season.mirrored and rng.random() < 0.5:
        k, m = k + half, m + half
    swap = {k: m, m: k}
    if season.mirrored and season.double_round_robin:
        swap |= {k + half: m + half, m + half: k + half}
    return [(h, a, swap.get(s, s)) for h, a, s in games]


def _swap_teams(games: list[Game], rng: random.Random, season: Season) -> list[Game]:
    i, j = rng.sample(range(len(season.teams)), 2)
    rename = {i: j, j: i}
    return [
        g if {g[0], g[1]} == {i, j} else (rename.get(g[0], g[0]), rename.get(g[1], g[1]), g[2])
        for g in games
    ]


MOVES = (_swap_homes, _swap_slots, _swap_teams)


def _travel(games: list[Game], n: int, d: tuple[tuple[int, ...], ...]) -> int:
    where = list(range(n))
    total = 0
    for h, a, _ in sorted(games, key=lambda g: g[2]):
        total += d[where[h]][h] + d[where[a]][h]
        where[h] = where[a] = h
    return total + sum(d[where[t]][t] for t in range(n))


def descend(
    season: Season,
    games: list[Game],
    rng: random.Random,
    *,
    budget: float,
    stop: Callable[[], bool],
    on_better: Callable[[list[Game], SeasonEvaluation], None],
) -> float:
    """Improve ``games`` until ``budget`` deterministic seconds are charged or ``stop()``;
    calls ``on_better`` with each strictly better schedule. Returns the charge."""
    n, d = len(season.teams), season_distances(season)
    current = evaluate_season(season, games)
    best = (current.hard, current.cost)
    km = _travel(games, n, d)
    spent = EVAL_CHARGE
    tried = 0
    while spent < budget:
        tried += 1
        if tried % 64 == 0 and stop():
            break
        move = MOVES[rng.randrange(len(MOVES))]
        candidate = move(games, rng, season)
        new_km = _travel(candidate, n, d)
        spent += MOVE_CHARGE
        if new_km >= km and rng.random() >= 0.05:
            continue
        spent += EVAL_CHARGE
        ev = evaluate_season(season, candidate)
        if (ev.hard, ev.cost) < best:
            games, best, km = candidate, (ev.hard, ev.cost), new_km
            on_better(games, ev)
    return spent
