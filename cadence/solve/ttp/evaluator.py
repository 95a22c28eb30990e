"""Independent TTP checker.

Deliberately written against the output shape (rounds of ``(home, away)`` pairs) and with no
code shared with the annealer, so a bug in the solver's incremental bookkeeping cannot hide
itself here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from cadence.solve.ttp.model import Rounds, TTPInstance


@dataclass(frozen=True)
class TTPEvaluation:
    distance: int
    violations: list[str] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return not self.violations


def evaluate(instance: TTPInstance, rounds: Rounds) -> TTPEvaluation:
    """Total travel and every broken rule (structure, streaks, repeaters)."""
    n = instance.n
    d = instance.distance
    problems: list[str] = []
    if len(rounds) != instance.n_rounds:
        problems.append(f"expected {instance.n_rounds} rounds, got {len(rounds)}")
    # venue[t][r]: where team t plays in round r; opponent[t][r]: whom.
    venue: list[list[int]] = [[] for _ in range(n)]
    opponent: list[list[int]] = [[] for _ in range(n)]
    seen_pairs: set[tuple[int, int]] = set()
    for r, rnd in enumerate(rounds):
        playing: list[int] = []
        for home, away in rnd:
            if not (0 <= home < n and 0 <= away < n) or home == away:
                problems.append(f"round {r}: invalid game ({home}, {away})")
                continue
            if (home, away) in seen_pairs:
                problems.append(f"game ({home}, {away}) played more than once")
            seen_pairs.add((home, away))
            playing += [home, away]
            venue[home].append(home)
            venue[away].append(home)
            opponent[home].append(away)
            opponent[away].append(home)
        if sorted(playing) != list(range(n)):
            problems.append(f"round {r}: not every team plays exactly once")
    missing = n * (n - 1) - len(seen_pairs)
    if missing:
        problems.append(f"{missing} ordered pairs never played")
    if problems:
        return TTPEvaluation(distance=-1, violations=problems)

    total = 0
    for t in range(n):
        path = [t, *venue[t], t]
        total += sum(d[a][b] for a, b in pairwise(path))
        streak = 0
        last_home: bool | None = None
        for r, v in enumerate(venue[t]):
            is_home = v == t
            streak = streak + 1 if is_home == last_home else 1
            last_home = is_home
            if streak > instance.max_streak:
                where = "home" if is_home else "away"
                problems.append(f"team {t}: {streak} {where} games in a row ending round {r}")
        for r in range(1, len(opponent[t])):
            if opponent[t][r] == opponent[t][r - 1] and t < opponent[t][r]:
                problems.append(f"repeater {t}-{opponent[t][r]} in rounds {r - 1},{r}")
    return TTPEvaluation(distance=total, violations=problems)
