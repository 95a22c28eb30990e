"""TTP instance and the schedule shape shared by the solver, the evaluator and the CLI.

A schedule is kept in the contract's own shape (rounds of ``(home, away)`` pairs, 0-based)
so that what the evaluator checks is exactly what gets written out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

Rounds = list[list[tuple[int, int]]]


@dataclass(frozen=True)
class TTPInstance:
    """A symmetric distance matrix; team ``i`` is row ``i``. Standard TTP bounds apply."""

    distance: tuple[tuple[int, ...], ...]
    name: str = ""
    max_streak: int = 3

    @property
    def n(self) -> int:
        return len(self.distance)

    @property
    def n_rounds(self) -> int:
        return 2 * (self.n - 1)


def parse_matrix(text: str, name: str = "") -> TTPInstance:
    """Parse a whitespace-separated square matrix (one row per line); reject bad shapes early."""
    rows = [tuple(int(v) for v in line.split()) for line in text.splitlines() if line.strip()]
    n = len(rows)
    if n < 2 or n % 2:
        raise ValueError(f"TTP needs an even number of teams >= 2, got {n}")
    for i, row in enumerate(rows):
        if len(row) != n:
            raise ValueError(f"row {i} has {len(row)} values, expected {n}")
        if row[i] != 0:
            raise ValueError(f"diagonal entry ({i},{i}) is {row[i]}, expected 0")
        if any(v < 0 for v in row):
            raise ValueError(f"row {i} has a negative distance")
    return TTPInstance(distance=tuple(rows), name=name)


def read_instance(path: str | Path) -> TTPInstance:
    p = Path(path)
    return parse_matrix(p.read_text(), name=p.stem)


def to_json(instance: TTPInstance, rounds: Rounds, distance: int) -> str:
    """The contract's output document: ``{"n", "distance", "rounds"}``."""
    doc = {
        "n": instance.n,
        "distance": distance,
        "rounds": [[[h, a] for h, a in rnd] for rnd in rounds],
    }
    return json.dumps(doc)
