"""Large-neighbourhood search steps: free part of the schedule, fix the rest, let CP-SAT
re-optimise the small model.

Three neighbourhoods: a few slots (every game in them may move among them; with mirrored
halves a slot brings its mirror slot along), a few teams (their games among themselves), and
the venue (who is at home) of every game of half the teams, with the slots kept, which is
what breaks, home stands and travel mostly depend on (all teams at once is too big a step
with travel in the model). While hard rules are broken, most slot neighbourhoods are built
around a broken rule: the slots of the games it names, of the other meetings of those pairs
(so a meeting can trade places with its return game) and the rule's own slots.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from cadence.solve.season.cpsat import SeasonModel
from cadence.solve.season.model import Game

Free = Callable[[Game], bool]


@dataclass
class Sizes:
    """Neighbourhood sizes, grown when a sub-problem is solved to optimality without gain and
    shrunk when it runs out of time (a deterministic rule, so runs stay reproducible)."""

    slots: int
    teams: int

    def adapt(self, kind: str, optimal: bool, improved: bool, n: int, ns: int) -> None:
        step = 0 if improved else (1 if optimal else -1)
        if kind == "slots":
            self.slots = max(2, min(ns, self.slots + step))
        elif kind == "teams":
            self.teams = max(3, min(n, self.teams + step))


def _around(sm: SeasonModel, current: list[Game], culprit: Game) -> set[int]:
    """Slots where a broken rule's game could go: its pair's meetings and the rule's slots."""
    h, a, s = culprit
    slots = {s} | {g[2] for g in current if {g[0], g[1]} == {h, a}}
    for rule in sm.season.rules:
        if rule.hard and {rule.home, rule.away} == {h, a} and len(rule.slots) <= 3:
            slots |= set(rule.slots)
    return slots


def choose(
    sm: SeasonModel,
    current: list[Game],
    rng: random.Random,
    sizes: Sizes,
    culprits: tuple[Game, ...] = (),
) -> tuple[str, Free]:
    n, ns = sm.n, sm.ns
    r = rng.random()
    if culprits and r < 0.6:
        chosen = _around(sm, current, culprits[rng.randrange(len(culprits))])
        extra = [s for s in range(ns) if s not in chosen]
        rng.shuffle(extra)
        chosen |= set(extra[: max(0, sizes.slots - len(chosen))])
        return "slots", _slots(sm, chosen)
    if r < 0.2:
        teams = set(rng.sample(range(n), max(2, n // 2)))
        venue = venues_free(current)
        return "homes", lambda g: venue(g) and (g[0] in teams or g[1] in teams)
    if r < 0.6:
        return "slots", _slots(sm, set(rng.sample(range(ns), min(ns, sizes.slots))))
    teams = set(rng.sample(range(n), min(n, sizes.teams)))
    return "teams", lambda g: g[0] in teams and g[1] in teams


def venues_free(current: list[Game]) -> Free:
    """Free who is at home in every game, keeping who meets whom in which slot."""
    met = {(min(h, a), max(h, a), s) for h, a, s in current}
    return lambda g: (min(g[0], g[1]), max(g[0], g[1]), g[2]) in met


def _slots(sm: SeasonModel, chosen: set[int]) -> Free:
    """Free every game in ``chosen`` (and, with mirrored halves, in the mirror slots)."""
    half = sm.half
    if sm.season.mirrored and sm.season.double_round_robin:
        chosen = chosen | {s + half if s < half else s - half for s in chosen}
    return lambda g: g[2] in chosen


def sub_model(sm: SeasonModel, current: list[Game], free: Free) -> cp_model.CpModel:
    """A copy of the model with every non-free game fixed to its current value and the
    current schedule as hint."""
    chosen = set(current)
    sub = sm.m.clone()
    sub.clear_hints()  # type: ignore[no-untyped-call]
    proto = sub.Proto()
    for key, var in sm.x.items():
        value = key in chosen
        if free(key):
            sub.add_hint(var, value)
        else:
            dom = proto.variables[var.index].domain
            dom[0] = dom[1] = int(value)
    return sub


def hinted(sm: SeasonModel, games: list[Game]) -> cp_model.CpModel:
    """A copy of the full model with ``games`` as hint."""
    chosen = set(games)
    sub = sm.m.clone()
    sub.clear_hints()  # type: ignore[no-untyped-call]
    for key, var in sm.x.items():
        sub.add_hint(var, key in chosen)
    return sub


def fixed(sm: SeasonModel, games: list[Game]) -> cp_model.CpModel:
    """A copy of the model with every game fixed: solving it prices ``games`` the model's way."""
    return sub_model(sm, games, lambda _: False)
