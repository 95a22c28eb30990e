"""The rules of the floor-plan editor (inside the canvas, no overlaps) and of tables that
staff choose for a party (one table in its range; a combination of needed neighbours)."""

from __future__ import annotations

import pytest

from cadence.venues.assignment import TableInfo, choice_problem, connected, seat_range
from cadence.venues.floorplan import PlanTable, inside, overlapping, overlaps, placed_at


def plan(name: str, seats: int, x: int, y: int, shape: str = "square") -> PlanTable:
    return PlanTable(name, name, "main", seats, x, y, shape)


def test_a_table_is_inside_when_its_whole_footprint_is() -> None:
    four = plan("A", 4, 0, 0)  # 64 x 64
    assert inside(placed_at(four, 32, 32)) and inside(placed_at(four, 968, 568))
    assert not inside(placed_at(four, 31, 300))
    assert not inside(placed_at(four, 969, 300))
    assert not inside(placed_at(four, 500, 569))
    long = plan("L", 6, 0, 0, "long")  # 124 x 50
    assert inside(placed_at(long, 62, 25)) and not inside(placed_at(long, 61, 25))


def test_overlaps_count_shared_area_not_touching_edges() -> None:
    a = placed_at(plan("A", 4, 0, 0), 100, 100)  # 68..132
    touching = placed_at(plan("B", 4, 0, 0), 164, 100)  # 132..196
    apart_diagonally = placed_at(plan("C", 4, 0, 0), 164, 164)
    over = placed_at(plan("D", 2, 0, 0), 130, 130)  # 52 wide: 104..156
    assert not overlapping(a, touching) and not overlapping(a, apart_diagonally)
    assert overlapping(a, over) and overlapping(over, a)
    everything = [a, touching, apart_diagonally, over]
    assert [(x.id, y.id) for x, y in overlaps(everything, ["D"])] == [
        ("A", "D"),
        ("B", "D"),
        ("C", "D"),
    ]
    # pairs where neither table moved are somebody else's old business
    assert overlaps(everything, ["B"]) == [(touching, over)]
    assert overlaps([a, touching], ["A", "B"]) == []


def t(name: str, lo: int, hi: int, comb: bool = True, nb: tuple[str, ...] = ()) -> TableInfo:
    return TableInfo(name, name, "main", lo, hi, comb, frozenset(nb))


A, B, C = t("A", 1, 2, nb=("B",)), t("B", 1, 2), t("C", 2, 4, nb=("B",))
SOLO = t("S", 2, 4, comb=False)


def test_seat_ranges_of_tables_and_combinations() -> None:
    assert seat_range([SOLO]) == (2, 4)
    assert seat_range([A, B]) == (3, 4)  # two people would not need both
    assert seat_range([A, B, C]) == (7, 8)
    assert seat_range([B, C]) == (5, 6)


def test_neighbour_links_are_read_both_ways() -> None:
    assert connected([A, B]) and connected([B, A]) and connected([A, B, C])
    assert not connected([A, C])  # both touch B, not each other
    assert not connected([])


@pytest.mark.parametrize(
    ("tables", "party", "reason"),
    [
        ([SOLO], 3, None),
        ([SOLO], 5, "too-small"),
        ([SOLO], 1, "too-large"),
        ([A, B], 4, None),
        ([A, B], 3, None),
        ([A, B], 2, "too-large"),
        ([A, B], 5, "too-small"),
        ([A, C], 5, "not-neighbours"),
        ([A, B, C], 8, None),
        ([A, B, C], 6, "too-large"),  # A (or B) is not needed: B + C seat six
        ([A, SOLO], 5, "not-combinable"),
    ],
)
def test_a_choice_of_tables_follows_the_assignment_rules(
    tables: list[TableInfo], party: int, reason: str | None
) -> None:
    found = choice_problem(tables, party)
    assert (found[0] if found else None) == reason


def test_a_refusal_says_why_in_words() -> None:
    assert choice_problem([A, C], 5) == (
        "not-neighbours",
        "A + C do not stand together: combine neighbouring tables.",
    )
    assert choice_problem([A, B, C], 6) == (
        "too-large",
        "A + B + C is more than 6 need: A is not needed.",
    )
    assert choice_problem([SOLO], 5) == ("too-small", "S seats 2-4: too few seats for 5.")
