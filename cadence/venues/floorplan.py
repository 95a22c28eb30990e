"""The floor plan of a night, pure: where each table is drawn and what state it is in now.

Tables carry a centre (`x`, `y` on a 1000 x 600 canvas) and a shape. Tables never placed
(both at 0) are laid out on a grid after the placed ones, area by area, so a new venue
gets a usable plan before anyone drags a table. Sizes grow with the seats, so a six-top
looks bigger than a two-top.

Editing the plan (`service.save_layout`, the floor page's edit mode): a table is placed
when its whole footprint (the bounding box of its shape) lies inside the canvas, and it
must not overlap another table's footprint (touching is fine: tables pushed together).
`venues-floor.js` applies the same two rules while dragging, on a `SNAP` grid.

The state of a table at an instant, in the order staff care about:

- `off`: deactivated;
- `seated`: a party sits there (seated, whatever the booked end time says);
- `due`: a reservation covers now but the party has not been seated yet;
- `held`: an online reservation waiting for its deposit covers now;
- `reserved`: the next reservation starts within `SOON`;
- `free`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

WIDTH, HEIGHT = 1000, 600
SNAP = 10
SOON = timedelta(hours=2)
GRID_X, GRID_Y, MARGIN = 130, 110, 70
ACTIVE = ("held", "pending", "confirmed", "seated")


@dataclass(frozen=True, slots=True)
class PlanTable:
    id: str
    name: str
    area_id: str
    seats_max: int
    x: int
    y: int
    shape: str
    active: bool = True


@dataclass(frozen=True, slots=True)
class Placed:
    """A table as drawn: centre, size (a circle uses `w` as its diameter) and shape."""

    id: str
    name: str
    cx: int
    cy: int
    w: int
    h: int
    shape: str

    @property
    def left(self) -> int:
        return self.cx - self.w // 2

    @property
    def top(self) -> int:
        return self.cy - self.h // 2


@dataclass(frozen=True, slots=True)
class Booked:
    status: str
    starts_at: datetime
    ends_at: datetime


def size_of(shape: str, seats: int) -> tuple[int, int]:
    seats = max(1, min(seats, 20))
    if shape == "round":
        d = 40 + 6 * seats
        return d, d
    if shape == "long":
        return 40 + 14 * seats, 50
    side = 40 + 6 * seats
    return side, side


def layout(tables: Sequence[PlanTable]) -> list[Placed]:
    """Every table with its drawn position: placed ones as set, the others on a grid."""
    out: list[Placed] = []
    loose = [t for t in tables if t.x == 0 and t.y == 0]
    for t in tables:
        if t.x or t.y:
            w, h = size_of(t.shape, t.seats_max)
            out.append(Placed(t.id, t.name, t.x, t.y, w, h, t.shape))
    per_row = max(1, (WIDTH - 2 * MARGIN) // GRID_X + 1)
    row0 = (max((p.cy + p.h // 2 for p in out), default=0) + GRID_Y // 2) // GRID_Y
    for i, t in enumerate(loose):  # already in area and position order
        w, h = size_of(t.shape, t.seats_max)
        row, col = divmod(i, per_row)
        out.append(
            Placed(
                t.id, t.name, MARGIN + col * GRID_X, MARGIN + (row0 + row) * GRID_Y, w, h, t.shape
            )
        )
    return out


def placed_at(t: PlanTable, x: int, y: int) -> Placed:
    w, h = size_of(t.shape, t.seats_max)
    return Placed(t.id, t.name, x, y, w, h, t.shape)


def inside(p: Placed) -> bool:
    """The table's whole footprint lies on the canvas."""
    return p.left >= 0 and p.top >= 0 and p.left + p.w <= WIDTH and p.top + p.h <= HEIGHT


def overlapping(a: Placed, b: Placed) -> bool:
    """The footprints share area (edges that touch do not count)."""
    return (
        a.left < b.left + b.w
        and b.left < a.left + a.w
        and a.top < b.top + b.h
        and b.top < a.top + a.h
    )


def overlaps(placed: Sequence[Placed], moved: Iterable[str]) -> list[tuple[Placed, Placed]]:
    """Pairs of overlapping tables of which at least one was moved, in plan order."""
    wanted = set(moved)
    return [
        (a, b)
        for i, a in enumerate(placed)
        for b in placed[i + 1 :]
        if (a.id in wanted or b.id in wanted) and overlapping(a, b)
    ]


def height_of(placed: Iterable[Placed]) -> int:
    """The canvas height that shows every table (at least the standard 600)."""
    return max([HEIGHT] + [p.cy + p.h // 2 + 30 for p in placed])


def state_at(now: datetime, booked: Iterable[Booked], *, active: bool = True) -> str:
    if not active:
        return "off"
    live = [b for b in booked if b.status in ACTIVE]
    if any(b.status == "seated" for b in live):
        return "seated"
    current = [b for b in live if b.starts_at <= now < b.ends_at]
    if any(b.status in ("confirmed", "pending") for b in current):
        return "due"
    if current:
        return "held"
    if any(now < b.starts_at <= now + SOON for b in live):
        return "reserved"
    return "free"
