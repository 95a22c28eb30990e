"""A season and a schedule as integer arrays, for the annealer's compiled kernels.

Why arrays: the kernels (:mod:`cadence.solve.season.pricing`, :mod:`.kernel`) are numba
code, which cannot read dataclasses. The schedule is one row per team and one column per
slot: ``opponent + 1`` for a home game, ``-(opponent + 1)`` for an away game, 0 for a bye,
so a team's home/away pattern, opponents and tour are read off its own row.

Each rule is one row of ``rules`` (kind code, hard, weight, value, home, away) with its
teams in ``tmask`` and its slots in ``smask`` (the rule's scope as the evaluator reads it:
empty means all; for ``venue_unavailable`` the teams are the venue's hosts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cadence.solve.season.distances import season_distances
from cadence.solve.season.findings import scope_slots, scope_teams
from cadence.solve.season.model import RULE_KINDS, Game, Season

IntArray = npt.NDArray[np.int64]

KIND_CODE = {kind: code for code, kind in enumerate(RULE_KINDS)}
"""Rule kinds as the kernels see them: their position in ``RULE_KINDS``."""
KIND, HARD, WEIGHT, VALUE, HOME, AWAY = range(6)
"""Columns of the ``rules`` table."""


@dataclass(frozen=True)
class Tables:
    rules: IntArray
    tmask: IntArray
    smask: IntArray
    day: IntArray
    """Calendar day (ordinal) of each slot, -1 when the slot has no date."""
    venue: IntArray
    """Each team's venue index, -1 for none."""
    dist: IntArray
    clash: bool
    """Shared grounds clash (``Season.shared_venues_clash`` and a ground with two teams)."""


def tables(season: Season) -> Tables:
    n, ns, nr = len(season.teams), len(season.slots), len(season.rules)
    rules = np.zeros((nr, 6), dtype=np.int64)
    tmask = np.zeros((nr, n), dtype=np.int64)
    smask = np.zeros((nr, ns), dtype=np.int64)
    for r, rule in enumerate(season.rules):
        rules[r] = (
            KIND_CODE[rule.kind],
            int(rule.hard),
            rule.weight,
            rule.value,
            -1 if rule.home is None else rule.home,
            -1 if rule.away is None else rule.away,
        )
        if rule.kind == "venue_unavailable":
            hosts = [t for t, team in enumerate(season.teams) if team.venue == rule.venue]
            tmask[r, hosts] = 1
        else:
            tmask[r, list(scope_teams(season, rule))] = 1
        smask[r, list(scope_slots(season, rule))] = 1
    day = np.array(
        [-1 if s.starts_at is None else s.starts_at.date().toordinal() for s in season.slots],
        dtype=np.int64,
    )
    venues = [-1 if t.venue is None else t.venue for t in season.teams]
    shared = len([v for v in venues if v >= 0]) > len({v for v in venues if v >= 0})
    return Tables(
        rules=rules,
        tmask=tmask,
        smask=smask,
        day=day,
        venue=np.array(venues, dtype=np.int64),
        dist=np.array(season_distances(season), dtype=np.int64).reshape(n, n),
        clash=season.shared_venues_clash and shared,
    )


def to_rows(season: Season, games: list[Game]) -> IntArray | None:
    """The schedule as rows; None if a team plays twice in a slot or a game is invalid (the
    annealer only starts from schedules with a valid shape)."""
    n, ns = len(season.teams), len(season.slots)
    rows = np.zeros((n, ns), dtype=np.int64)
    for h, a, s in games:
        if not (0 <= h < n and 0 <= a < n and h != a and 0 <= s < ns):
            return None
        if rows[h, s] or rows[a, s]:
            return None
        rows[h, s], rows[a, s] = a + 1, -(h + 1)
    return rows


def to_games(rows: IntArray) -> list[Game]:
    """Games in (slot, home) order, as the rest of the solver keeps them."""
    n, ns = rows.shape
    return [(t, int(rows[t, s]) - 1, s) for s in range(ns) for t in range(n) if rows[t, s] > 0]
