"""Table assignment on hand-checked floor plans, and the 15-minute occupancy slots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cadence.venues.assignment import (
    TableInfo,
    candidates,
    ceil_slot,
    floor_slot,
    is_free,
    nearest,
    slots_for,
)


def t(
    name: str, lo: int, hi: int, area: str = "main", comb: bool = False, nb: tuple[str, ...] = ()
) -> TableInfo:
    return TableInfo(name, name, area, lo, hi, comb, frozenset(nb))


FLOOR = [
    t("A", 1, 2, comb=True, nb=("B",)),
    t("B", 1, 2, comb=True, nb=("C",)),
    t("C", 2, 4, comb=True),
    t("D", 2, 4),
    t("E", 4, 8),
    t("P", 2, 4, area="terrace"),
]


def names(party: int, **kw: object) -> list[str]:
    return [c.names for c in candidates(FLOOR, party, **kw)]  # type: ignore[arg-type]


def test_smallest_fitting_single_first_then_minimal_combinations() -> None:
    assert names(2) == ["A", "B", "C", "D", "P"]
    # E seats at least 4; A + B together are the only combination for 3
    assert names(3) == ["C", "D", "P", "A + B"]
    # a single table (even wasting 3 seats) comes before a combination
    assert names(5) == ["E", "B + C"]


def test_combinations_follow_neighbours_symmetrically_and_stay_minimal() -> None:
    # B + C hold 6 (B-C are neighbours); A + C are not adjacent; A + B + C would waste A
    assert names(6) == ["E", "B + C"]
    assert names(7) == ["E", "A + B + C"]
    assert names(9) == []


def test_preferred_area_comes_first() -> None:
    assert names(2, preferred_area="terrace")[0] == "P"
    assert names(4, preferred_area="terrace")[:2] == ["P", "C"]


def test_slots_cover_the_turnover_on_the_quarter_hour_grid() -> None:
    start = datetime(2026, 6, 5, 18, 0, tzinfo=UTC)
    slots = slots_for(start, start + timedelta(hours=2), timedelta(minutes=10))
    assert slots[0] == start and slots[-1] == start + timedelta(hours=2)
    assert len(slots) == 9
    odd = datetime(2026, 6, 5, 18, 7, tzinfo=UTC)
    assert floor_slot(odd) == start and ceil_slot(odd) == start + timedelta(minutes=15)
    taken = {("A", start + timedelta(hours=1))}
    (a,) = [c for c in candidates(FLOOR, 2) if c.names == "A"]
    assert not is_free(a, slots, taken)
    assert is_free(
        a, slots_for(start + timedelta(hours=2), start + timedelta(hours=3), timedelta(0)), taken
    )


def test_nearest_times_in_order() -> None:
    base = datetime(2026, 6, 5, 18, 0, tzinfo=UTC)
    times = [base + timedelta(minutes=15 * k) for k in range(-8, 9) if k != 0]
    got = nearest(base, times, 4)
    assert got == [
        base - timedelta(minutes=30),
        base - timedelta(minutes=15),
        base + timedelta(minutes=15),
        base + timedelta(minutes=30),
    ]
