"""Table assignment, pure: which tables (or combinations) can seat a party, best first.

Order of preference, as staff would choose:

1. tables in the requested area before tables elsewhere;
2. a single table before a combination of tables;
3. the fewest wasted seats (so a couple does not take the six-top on a busy night and the
   large tables stay free for large parties);
4. fewer tables, then smaller total capacity, then the table names (stable, predictable).

A single table fits when `seats_min <= party <= seats_max`. A combination is a connected set
(through the neighbour lists, read symmetrically) of combinable tables whose seats together
hold the party, and which is *minimal*: dropping any one table would leave too few seats.

Staff may also choose the tables themselves (`choice_problem`): the same rules hold, so
a single table must seat the party within its range, and several tables must all be
combinable, connected through their neighbours, hold the party, and each be needed.

Occupancy is discretised into 15-minute slots on the UTC grid (see
docs/decisions/0008-table-occupancy-slots.md); `slots_for` gives the slots a reservation
holds, turnover buffer included.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

SLOT = timedelta(minutes=15)
MAX_COMBINATION = 3
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class TableInfo:
    id: str
    name: str
    area_id: str
    seats_min: int
    seats_max: int
    combinable: bool = False
    neighbours: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Candidate:
    tables: tuple[TableInfo, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.tables)

    @property
    def seats(self) -> int:
        return sum(t.seats_max for t in self.tables)

    @property
    def names(self) -> str:
        return " + ".join(t.name for t in self.tables)


def floor_slot(instant: datetime) -> datetime:
    steps = (instant - _EPOCH) // SLOT
    return _EPOCH + steps * SLOT


def ceil_slot(instant: datetime) -> datetime:
    floored = floor_slot(instant)
    return floored if floored == instant else floored + SLOT


def is_aligned(instant: datetime) -> bool:
    return floor_slot(instant) == instant


def slots_for(starts_at: datetime, ends_at: datetime, turnover: timedelta) -> list[datetime]:
    """Every 15-minute slot start in [starts_at, ends_at + turnover), on the UTC grid."""
    slot = floor_slot(starts_at)
    end = ceil_slot(ends_at + turnover)
    out = []
    while slot < end:
        out.append(slot)
        slot += SLOT
    return out


def _linked(a: TableInfo, b: TableInfo) -> bool:
    return b.id in a.neighbours or a.id in b.neighbours


def _combinations(tables: Sequence[TableInfo], party: int, limit: int) -> list[Candidate]:
    pool = [t for t in tables if t.combinable]
    by_id = {t.id: t for t in pool}
    found: set[frozenset[str]] = set()
    frontier: list[frozenset[str]] = [frozenset({t.id}) for t in pool]
    for _size in range(2, limit + 1):
        grown: set[frozenset[str]] = set()
        for group in frontier:
            members = [by_id[i] for i in group]
            for other in pool:
                if other.id in group or not any(_linked(m, other) for m in members):
                    continue
                grown.add(group | {other.id})
        for group in grown:
            members = [by_id[i] for i in group]
            seats = sum(m.seats_max for m in members)
            if seats >= party and all(seats - m.seats_max < party for m in members):
                found.add(group)
        # only groups still too small are worth growing (larger ones would not be minimal)
        frontier = [g for g in grown if sum(by_id[i].seats_max for i in g) < party]
    return [
        Candidate(tuple(sorted((by_id[i] for i in group), key=lambda t: t.name))) for group in found
    ]


def seat_range(tables: Sequence[TableInfo]) -> tuple[int, int]:
    """The party sizes these tables seat together: a single table's own range; for a
    combination, up to every seat, and from one more than it holds without its smallest
    table (a smaller party would not need every table)."""
    if len(tables) == 1:
        return tables[0].seats_min, tables[0].seats_max
    seats = sum(t.seats_max for t in tables)
    return seats - min(t.seats_max for t in tables) + 1, seats


def connected(tables: Sequence[TableInfo]) -> bool:
    """Each table reaches every other through neighbour links (read both ways)."""
    if not tables:
        return False
    reached = {tables[0].id}
    frontier = [tables[0]]
    while frontier:
        here = frontier.pop()
        for other in tables:
            if other.id not in reached and _linked(here, other):
                reached.add(other.id)
                frontier.append(other)
    return len(reached) == len(tables)


def choice_problem(tables: Sequence[TableInfo], party: int) -> tuple[str, str] | None:
    """Why `party` cannot sit at exactly these tables, as (reason, message); None if it can.

    Reasons: `too-small`, `too-large`, `not-combinable`, `not-neighbours`.
    """
    names = " + ".join(t.name for t in tables)
    lo, hi = seat_range(tables)
    if len(tables) == 1:
        t = tables[0]
        if party > hi:
            return "too-small", f"{t.name} seats {lo}-{hi}: too few seats for {party}."
        if party < lo:
            return "too-large", f"{t.name} is for {lo}-{hi} people: too large for {party}."
        return None
    loose = [t.name for t in tables if not t.combinable]
    if loose:
        return "not-combinable", f"{', '.join(loose)} cannot be combined with other tables."
    if not connected(tables):
        return "not-neighbours", f"{names} do not stand together: combine neighbouring tables."
    if party > hi:
        return "too-small", f"{names} seat {lo}-{hi} together: too few seats for {party}."
    spare = [t.name for t in tables if hi - t.seats_max >= party]
    if spare:
        return "too-large", f"{names} is more than {party} need: {spare[0]} is not needed."
    return None


def candidates(
    tables: Iterable[TableInfo],
    party: int,
    *,
    preferred_area: str | None = None,
    max_combination: int = MAX_COMBINATION,
) -> list[Candidate]:
    """Every table or minimal combination that can seat `party`, best first."""
    pool = list(tables)
    singles = [Candidate((t,)) for t in pool if t.seats_min <= party <= t.seats_max]
    combos = _combinations(pool, party, max_combination)

    def rank(c: Candidate) -> tuple[int, int, int, int, int, str]:
        elsewhere = int(
            preferred_area is not None and any(t.area_id != preferred_area for t in c.tables)
        )
        return (
            elsewhere,
            int(len(c.tables) > 1),
            c.seats - party,
            len(c.tables),
            c.seats,
            c.names,
        )

    return sorted(singles + combos, key=rank)


def is_free(
    candidate: Candidate, slots: Sequence[datetime], taken: Collection[tuple[str, datetime]]
) -> bool:
    return all((t.id, s) not in taken for t in candidate.tables for s in slots)


def nearest(requested: datetime, times: Iterable[datetime], limit: int) -> list[datetime]:
    """The `limit` times closest to `requested` (earlier first on ties), in time order."""
    ranked = sorted(times, key=lambda t: (abs(t - requested), t))
    return sorted(ranked[:limit])
