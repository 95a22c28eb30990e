"""The floor plan drawn from table positions, and table states at an instant, hand-checked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cadence.venues.floorplan import Booked, Placed, PlanTable, height_of, layout, size_of, state_at


def table(name: str, seats: int, x: int = 0, y: int = 0, shape: str = "square") -> PlanTable:
    return PlanTable(name, name, "main", seats, x, y, shape)


def test_sizes_grow_with_seats_by_shape() -> None:
    assert size_of("square", 4) == (64, 64)
    assert size_of("round", 2) == (52, 52)
    assert size_of("long", 6) == (124, 50)
    assert size_of("square", 500) == size_of("square", 20)  # a banquet stays on the canvas


def test_placed_tables_keep_their_spot_and_new_ones_go_on_a_grid_below() -> None:
    plan = layout(
        [table("A", 4, 500, 300), table("B", 2, shape="round"), table("C", 6, shape="long")]
    )
    assert plan == [
        Placed("A", "A", 500, 300, 64, 64, "square"),
        # A reaches down to y = 332: the grid starts on row 3 (y = 70 + 3 * 110)
        Placed("B", "B", 70, 400, 52, 52, "round"),
        Placed("C", "C", 200, 400, 124, 50, "long"),
    ]
    assert plan[0].left == 468 and plan[0].top == 268
    assert height_of(plan) == 600


def test_a_floor_never_placed_fills_rows_of_seven() -> None:
    plan = layout([table(f"T{i}", 2) for i in range(8)])
    assert [(p.cx, p.cy) for p in plan][:2] == [(70, 70), (200, 70)]
    assert (plan[6].cx, plan[6].cy) == (850, 70)
    assert (plan[7].cx, plan[7].cy) == (70, 180)


def test_a_tall_floor_grows_the_canvas() -> None:
    plan = layout([table("Far", 2, 100, 590)])
    assert height_of(plan) == 590 + 26 + 30


NOW = datetime(2026, 6, 5, 18, 0, tzinfo=UTC)


def booked(status: str, start_h: float, hours: float = 2) -> Booked:
    start = NOW + timedelta(hours=start_h)
    return Booked(status, start, start + timedelta(hours=hours))


def test_states_in_the_order_staff_care_about() -> None:
    assert state_at(NOW, [booked("seated", -2)], active=False) == "off"
    assert state_at(NOW, [booked("seated", -2.5)]) == "seated"  # overstaying is still seated
    assert state_at(NOW, [booked("confirmed", -0.5)]) == "due"
    assert state_at(NOW, [booked("pending", 0)]) == "due"
    assert state_at(NOW, [booked("held", -0.5)]) == "held"
    assert state_at(NOW, [booked("confirmed", 2)]) == "reserved"
    assert state_at(NOW, [booked("confirmed", 2.25)]) == "free"
    assert state_at(NOW, [booked("cancelled", -0.5), booked("completed", -1)]) == "free"
    assert state_at(NOW, [booked("no_show", -0.5), booked("confirmed", 1)]) == "reserved"
    assert state_at(NOW, [booked("confirmed", -2)]) == "free"  # ended exactly now
