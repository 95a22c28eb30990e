"""ITC2021 instance model: the subset of RobinX used by the competition.

One generic constraint record keeps the reader, the evaluator and the CP-SAT model in step:
each reads the same fields, so a constraint type cannot be understood two different ways.
"""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("CA1", "CA2", "CA3", "CA4", "GA1", "BR1", "BR2", "FA2", "SE1")

Game = tuple[int, int, int]
"""(home, away, slot), 0-based ids as in the XML."""


@dataclass(frozen=True)
class Constraint:
    kind: str
    hard: bool
    penalty: int
    teams: tuple[int, ...] = ()
    teams2: tuple[int, ...] = ()
    slots: tuple[int, ...] = ()
    mode: str = "HA"  # CA*: H | A | HA (mode / mode1); BR1: H | A | HA (mode2)
    scope: str = "GLOBAL"  # CA4: GLOBAL | EVERY
    min: int = 0
    max: int | None = None
    intp: int = 0
    meetings: tuple[tuple[int, int], ...] = ()

    def describe(self) -> str:
        level = "hard" if self.hard else f"soft x{self.penalty}"
        return f"{self.kind} ({level}) teams={list(self.teams)} slots={list(self.slots)}"


@dataclass(frozen=True)
class Instance:
    name: str
    n_teams: int
    n_slots: int
    phased: bool
    constraints: tuple[Constraint, ...] = field(default_factory=tuple)

    @property
    def half(self) -> int:
        """Number of slots in the first half of a phased season."""
        return self.n_slots // 2

    def hard(self) -> list[Constraint]:
        return [c for c in self.constraints if c.hard]

    def soft(self) -> list[Constraint]:
        return [c for c in self.constraints if not c.hard]
