"""Round-robin structure errors: the shape every schedule must have before any rule counts.

Each error string is one unit of hard violation. Halves (phased, mirrored) split the slots at
``len(season.slots) // 2``.
"""

from __future__ import annotations

from itertools import combinations

from cadence.solve.season.labels import game_label, games_label, slots_label, team_label
from cadence.solve.season.model import Game, Season
from cadence.solve.season.view import ScheduleView


def _invalid(season: Season, view: ScheduleView) -> list[str]:
    return [f"invalid game (home {h}, away {a}, slot {s})" for h, a, s in view.invalid]


def _double_booked(season: Season, view: ScheduleView) -> list[str]:
    out = []
    for t in range(view.n):
        for s in range(view.n_slots):
            here = view.at[t][s]
            if len(here) > 1:
                out.append(
                    f"{team_label(season, t)} plays {len(here)} games in "
                    f"{slots_label(season, [s])}: {games_label(season, here)}"
                )
    return out


def _venue_clashes(season: Season, view: ScheduleView) -> list[str]:
    """Two home games at one venue in one slot (teams sharing a ground)."""
    if not season.shared_venues_clash:
        return []
    out = []
    for s in range(view.n_slots):
        hosted: dict[int, list[Game]] = {}
        for t, team in enumerate(season.teams):
            g = view.game(t, s)
            if team.venue is not None and g is not None and g[0] == t:
                hosted.setdefault(team.venue, []).append(g)
        for v, games in hosted.items():
            if len(games) > 1:
                out.append(
                    f"venue {season.venues[v].name} hosts {len(games)} games in "
                    f"{slots_label(season, [s])}: {games_label(season, games)}"
                )
    return out


def _single(season: Season, i: int, j: int, met: list[Game]) -> list[str]:
    a, b = team_label(season, i), team_label(season, j)
    if not met:
        return [f"{a} and {b} never meet"]
    if len(met) > 1:
        return [f"{a} and {b} meet {len(met)} times: {games_label(season, met)}"]
    return []


def _double(season: Season, i: int, j: int, met: list[Game]) -> list[str]:
    out = []
    for h, a in ((i, j), (j, i)):
        hosted = [g for g in met if g[0] == h]
        host, guest = team_label(season, h), team_label(season, a)
        if not hosted:
            out.append(f"{host} never hosts {guest}")
        elif len(hosted) > 1:
            out.append(f"{host} hosts {guest} {len(hosted)} times: {games_label(season, hosted)}")
    return out


def _halves(season: Season, met: list[Game]) -> list[str]:
    """Phased and mirrored checks for a pair that meets exactly once each way."""
    half = len(season.slots) // 2
    first, second = sorted(met, key=lambda g: g[2])
    if season.mirrored and (second[2] != first[2] + half or first[2] >= half):
        want = slots_label(season, [first[2] + half]) if first[2] < half else "the second half"
        return [
            f"not mirrored: {game_label(season, first)} should be answered by "
            f"{team_label(season, first[1])} v {team_label(season, first[0])} in {want}, "
            f"not in {slots_label(season, [second[2]])}"
        ]
    if season.phased and (first[2] < half) == (second[2] < half):
        which = "first" if first[2] < half else "second"
        return [f"not phased: both meetings in the {which} half: {games_label(season, met)}"]
    return []


def structure_errors(season: Season, view: ScheduleView) -> list[str]:
    """Every way ``view`` differs from the round robin the season asks for."""
    errors = _invalid(season, view) + _double_booked(season, view) + _venue_clashes(season, view)
    for i, j in combinations(range(view.n), 2):
        met = view.meetings(i, j)
        if not season.double_round_robin:
            errors += _single(season, i, j, met)
            continue
        pair_errors = _double(season, i, j, met)
        errors += pair_errors
        if not pair_errors and (season.phased or season.mirrored):
            errors += _halves(season, met)
    return errors
