"""Team-to-team travel distances, from the season's own matrix or from venue coordinates.

Why teams and not venues: a tour is "where each game is played", and a game is played at
its home team's venue, so the solver and the evaluator only ever need team-to-team figures.
"""

from __future__ import annotations

import math

from cadence.solve.season.model import Season

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), the usual constant for haversine distances."""


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _coordinates(season: Season, team: int) -> tuple[int, float, float] | None:
    v = season.teams[team].venue
    if v is None or not 0 <= v < len(season.venues):
        return None
    venue = season.venues[v]
    if venue.latitude is None or venue.longitude is None:
        return None
    return v, venue.latitude, venue.longitude


def distances_from_coordinates(season: Season) -> tuple[tuple[int, ...], ...]:
    """Kilometres (rounded) between the teams' home venues; 0 between teams sharing a venue
    and wherever a venue or its coordinates are missing."""
    where = [_coordinates(season, t) for t in range(len(season.teams))]
    rows: list[tuple[int, ...]] = []
    for a in where:
        row: list[int] = []
        for b in where:
            if a is None or b is None or a[0] == b[0]:
                row.append(0)
            else:
                row.append(round(haversine_km(a[1], a[2], b[1], b[2])))
        rows.append(tuple(row))
    return tuple(rows)


_CACHE: dict[int, tuple[Season, tuple[tuple[int, ...], ...]]] = {}


def season_distances(season: Season) -> tuple[tuple[int, ...], ...]:
    """The matrix every travel figure uses: ``Season.distances`` if given, else coordinates.

    Cached by identity (a season is immutable, and hashing one costs as much as the
    haversines): the local search evaluates the same season thousands of times.
    """
    hit = _CACHE.get(id(season))
    if hit is not None and hit[0] is season:
        return hit[1]
    if len(_CACHE) >= 16:
        _CACHE.clear()
    matrix = _season_distances(season)
    _CACHE[id(season)] = (season, matrix)
    return matrix


def _season_distances(season: Season) -> tuple[tuple[int, ...], ...]:
    n = len(season.teams)
    if season.distances is None:
        return distances_from_coordinates(season)
    d = season.distances
    if len(d) != n or any(len(row) != n for row in d):
        raise ValueError(f"Season.distances must be {n} x {n}")
    return d
