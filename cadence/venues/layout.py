"""Placing the tables on the floor plan: the editor's read and its one-transaction save.

A manager drags tables on the floor page (`venues-floor.js`) or sends positions to
`PUT /api/v1/orgs/{org_id}/venue/layout`. The save carries the floor version the editor
loaded: the venue's row is bumped by a conditional update first (`service.bump_floor`),
so a floor changed in the meantime (another manager's save, a table added or resized)
answers 409 `stale-edit` and nothing is written. Then every position is checked against
the plan (`floorplan.inside`, `floorplan.overlaps`) and written in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from cadence.audit import service as audit
from cadence.context import Ctx
from cadence.errors import InvalidInput
from cadence.realtime.events import publish, register_event_type
from cadence.venues import floorplan
from cadence.venues import service as venues
from cadence.venues.models import Venue, VenueTable


class FloorChanged(BaseModel):
    venue_id: str
    floor_version: int


register_event_type("venue.floor.changed", FloorChanged)


@dataclass(frozen=True, slots=True)
class Position:
    table_id: str
    x: int
    y: int


def plan_table(t: VenueTable) -> floorplan.PlanTable:
    return floorplan.PlanTable(t.id, t.name, t.area_id, t.seats_max, t.x, t.y, t.shape, t.active)


def drawn(tables: Sequence[VenueTable]) -> list[floorplan.Placed]:
    """The plan as every page draws it (tables never placed on the grid)."""
    return floorplan.layout([plan_table(t) for t in tables])


def _field(index: int) -> str:
    return f"tables.{index}"


async def save(
    ctx: Ctx, *, venue: Venue, version: int, positions: Sequence[Position]
) -> list[VenueTable]:
    """Move the given tables to their new centres, all or nothing; the venue's tables."""
    await venues.bump_floor(ctx, venue, expected=version)
    tables = await venues.list_tables(ctx, venue=venue)
    by_id = {t.id: t for t in tables}
    seen: set[str] = set()
    for i, p in enumerate(positions):
        if p.table_id not in by_id:
            raise InvalidInput("Place tables of this venue.", field=_field(i))
        if p.table_id in seen:
            raise InvalidInput(f"{by_id[p.table_id].name} is placed twice.", field=_field(i))
        seen.add(p.table_id)
    at = {p.table_id: (p.x, p.y) for p in positions}
    plan: list[floorplan.Placed] = []
    for t in tables:
        if t.id in at:
            plan.append(floorplan.placed_at(plan_table(t), *at[t.id]))
        elif t.x or t.y:  # placed before and not moved now; unplaced ones stay off the plan
            plan.append(floorplan.placed_at(plan_table(t), t.x, t.y))
    order = {p.table_id: i for i, p in enumerate(positions)}
    for placed in plan:
        if placed.id in at and not floorplan.inside(placed):
            raise InvalidInput(
                f"{placed.name} must stand inside the floor plan "
                f"({floorplan.WIDTH} x {floorplan.HEIGHT}).",
                field=_field(order[placed.id]),
            )
    clashes = floorplan.overlaps(plan, at)
    if clashes:
        a, b = clashes[0]
        moved = a if a.id in at else b
        raise InvalidInput(
            f"{a.name} and {b.name} overlap: move them apart.",
            field=_field(order[moved.id]),
            overlaps=[[x.id, y.id] for x, y in clashes],
        )
    before = {t.id: [t.x, t.y] for t in tables if t.id in at}
    for table_id, (x, y) in at.items():
        by_id[table_id].x, by_id[table_id].y = x, y
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=venue.org_id,
        action="venue.layout.save",
        target_type="venue",
        target_id=venue.id,
        before={"floor_version": version, "positions": before},
        after={
            "floor_version": venue.floor_version,
            "positions": {k: list(v) for k, v in at.items()},
        },
    )
    await publish(
        ctx,
        org_id=venue.org_id,
        type="venue.floor.changed",
        data={"venue_id": venue.id, "floor_version": venue.floor_version},
    )
    return tables
