"""A league season as the product describes it: teams, venues, playing slots and rules.

This is the one rule model shared by the league app (what organisers configure) and the
solver. Indices are 0-based positions in the tuples below; a game is ``(home, away, slot)``.
Pure data: no database, no HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Game = tuple[int, int, int]
"""(home team, away team, slot index)."""

RuleKind = Literal[
    "max_consecutive_home",  # value = k; teams (empty = all)
    "max_consecutive_away",  # value = k; teams (empty = all)
    "no_repeaters",  # a pair may not meet in two consecutive slots
    "max_breaks_per_team",  # value = max breaks (two home or two away games in a row); teams
    "max_breaks_total",  # value = max breaks over the whole league
    "fixed_game",  # home, away play in one of `slots` (home/away fixed as given)
    "forbidden_game",  # home, away may not play (with that home team) in any of `slots`
    "home_away_balance",  # value = max |home - away| per team over the season (or `slots`)
    "min_gap_between_meetings",  # value = minimum slots between the two meetings of a pair
    "team_unavailable",  # teams may not play (value 0) or not play at home (value 1) in slots
    "venue_unavailable",  # venue index in `venue`; no home game at that venue in `slots`
    "min_rest_days",  # value = days between two games of a team (uses Slot.starts_at)
    "travel_total",  # soft: weight per distance unit travelled, all teams (TTP-style tours)
    "travel_fairness",  # soft: weight per unit of (max team travel - min team travel)
]

RULE_KINDS: tuple[str, ...] = RuleKind.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Venue:
    name: str
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Team:
    name: str
    venue: int | None = None
    """Index into ``Season.venues`` of the home ground (two teams may share one)."""


@dataclass(frozen=True)
class Slot:
    """A playing slot (a round): when it starts, if the season has dates."""

    starts_at: datetime | None = None


@dataclass(frozen=True)
class Rule:
    kind: RuleKind
    hard: bool = True
    weight: int = 1
    """Cost per unit of violation when soft."""
    teams: tuple[int, ...] = ()
    slots: tuple[int, ...] = ()
    value: int = 0
    home: int | None = None
    away: int | None = None
    venue: int | None = None


@dataclass(frozen=True)
class Season:
    teams: tuple[Team, ...]
    slots: tuple[Slot, ...]
    venues: tuple[Venue, ...] = ()
    double_round_robin: bool = True
    phased: bool = True
    """Every pair meets once in each half (double round robin only)."""
    mirrored: bool = False
    """The second half repeats the first with home and away swapped."""
    rules: tuple[Rule, ...] = field(default_factory=tuple)
    distances: tuple[tuple[int, ...], ...] | None = None
    """Team-to-team travel distances; derived from venue coordinates when omitted."""
    shared_venues_clash: bool = True
    """Teams sharing a venue never both play at home in one slot (a slot has one kick-off
    time); False for a ground with room for two games at once."""


@dataclass(frozen=True)
class Violation:
    rule: int
    """Index into ``Season.rules``."""
    hard: bool
    amount: int
    cost: int
    detail: str
    games: tuple[Game, ...] = ()


@dataclass(frozen=True)
class SeasonEvaluation:
    hard: int
    """Total amount of hard-rule violation (0 = feasible), structure errors included."""
    cost: int
    """Sum of soft-rule costs."""
    violations: tuple[Violation, ...]
    travel: tuple[int, ...]
    """Distance travelled per team (tours start and end at home)."""
    structure_errors: tuple[str, ...] = ()
    """Round-robin errors: missing/duplicate meetings, a team twice in one slot, ..."""


@dataclass(frozen=True)
class SeasonProgress:
    hard: int
    cost: int
    elapsed: float
    done: float = 0.0
    """How far the run is, 0..1: the larger of the budget spent and the time limit used (for a
    progress bar; the run may end sooner)."""


@dataclass(frozen=True)
class SeasonResult:
    games: tuple[Game, ...]
    evaluation: SeasonEvaluation
    elapsed: float
    status: Literal["feasible", "infeasible", "cancelled"]
    seed: int
    reproducible: bool = True
    """False when the wall clock (a loaded machine) or a cancellation cut the search short of
    its deterministic budget: the same seed may then give another schedule."""
