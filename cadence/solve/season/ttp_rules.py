"""The Travelling Tournament Problem in the product's season model: one statement of its rules,
shared by the season benchmark (``bench/solve/season.py``) and the tests, so both measure
the product's solver on exactly the problem the TTP package solves."""

from __future__ import annotations

from cadence.solve.season.model import Rule, Season, Slot, Team, Venue

TTP_RULES = (
    Rule("max_consecutive_home", value=3),
    Rule("max_consecutive_away", value=3),
    Rule("no_repeaters"),
    Rule("travel_total", hard=False),
)
"""At most 3 home or away games in a row and no repeaters (hard); travel is the cost."""


def ttp_season(distances: tuple[tuple[int, ...], ...]) -> Season:
    """The TTP as a season: compact, double round robin, not phased, one ground per team."""
    n = len(distances)
    return Season(
        teams=tuple(Team(f"T{i}", venue=i) for i in range(n)),
        slots=tuple(Slot() for _ in range(2 * (n - 1))),
        venues=tuple(Venue(f"V{i}") for i in range(n)),
        phased=False,
        rules=TTP_RULES,
        distances=distances,
    )
