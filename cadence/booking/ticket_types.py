"""Ticket types: priced quotas with a sales window and a per-order limit, under the seats.

Each type is a `ticket_type` capacity pool of the event. A booking takes the event's seats
pool and each type's pool with the same conditional UPDATE (docs/decisions/0002) inside one
transaction, so a booking either gets every seat it asked for or nothing at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from cadence.audit import service as audit
from cadence.booking.models import CapacityPool
from cadence.calendar.models import Event
from cadence.context import Ctx
from cadence.errors import Conflict, InvalidInput, NotFound
from cadence.time.zones import SkippedLocalTime, typed_instant

MAX_QUOTA = 1_000_000
MAX_PRICE_CENTS = 100_000_000


@dataclass(frozen=True)
class Line:
    """How many units of one pool a booking asks for."""

    pool: CapacityPool
    quantity: int


def _plain(pool: CapacityPool) -> dict[str, object]:
    return {
        "name": pool.name,
        "price_cents": pool.price_cents,
        "currency": pool.currency,
        "quota": pool.capacity,
        "max_per_order": pool.max_per_order,
        "sales_start": pool.sales_start.isoformat() if pool.sales_start else None,
        "sales_end": pool.sales_end.isoformat() if pool.sales_end else None,
    }


def sales_instant(value: datetime | None, field: str) -> datetime | None:
    """A sales start or end as an instant, with the time core's rule for clock changes.

    A datetime whose zone is a named zone (what the organiser's page sends: the wall time
    typed into the form with the event's zone attached) is a local wall time, resolved by
    the time core's rule (`cadence.time.zones.typed_instant`): a repeated time is its first
    instance, a skipped one answers 422 naming the first valid time. A fixed offset (the
    API's) is already an instant and passes unchanged.
    """
    if value is None or not isinstance(value.tzinfo, ZoneInfo):
        return value
    try:
        return typed_instant(value, value.tzinfo)
    except SkippedLocalTime as exc:
        raise InvalidInput(str(exc), field=field) from exc


def _check(pool: CapacityPool) -> None:
    if not 0 <= pool.capacity <= MAX_QUOTA:
        raise InvalidInput(f"A quota is between 0 and {MAX_QUOTA}.", field="quota")
    if not 0 <= pool.price_cents <= MAX_PRICE_CENTS:
        raise InvalidInput("The price is out of range.", field="price_cents")
    if pool.max_per_order is not None and pool.max_per_order < 1:
        raise InvalidInput("The per-order limit is at least 1.", field="max_per_order")
    if pool.sales_start and pool.sales_end and pool.sales_end <= pool.sales_start:
        raise InvalidInput("Sales must end after they start.", field="sales_end")
    if len(pool.currency) != 3 or not pool.currency.isalpha():
        raise InvalidInput("A currency is a three-letter ISO code.", field="currency")


async def types_of(ctx: Ctx, event_id: str) -> list[CapacityPool]:
    query = (
        select(CapacityPool)
        .where(CapacityPool.event_id == event_id, CapacityPool.kind == "ticket_type")
        .order_by(CapacityPool.price_cents, CapacityPool.id)
        .execution_options(populate_existing=True)
    )
    return list((await ctx.session.scalars(query)).all())


async def type_of(ctx: Ctx, *, event: Event, type_id: str) -> CapacityPool:
    pool = await ctx.session.get(CapacityPool, type_id)
    if pool is None or pool.event_id != event.id or pool.kind != "ticket_type":
        raise NotFound("No such ticket type.")
    return pool


async def create_type(
    ctx: Ctx,
    *,
    event: Event,
    name: str,
    price_cents: int,
    quota: int,
    currency: str = "EUR",
    max_per_order: int | None = None,
    sales_start: datetime | None = None,
    sales_end: datetime | None = None,
) -> CapacityPool:
    sales_start = sales_instant(sales_start, "sales_start")
    sales_end = sales_instant(sales_end, "sales_end")
    pool = CapacityPool(
        org_id=event.org_id,
        event_id=event.id,
        kind="ticket_type",
        name=name,
        capacity=quota,
        taken=0,
        price_cents=price_cents,
        currency=currency.upper(),
        max_per_order=max_per_order,
        sales_start=sales_start,
        sales_end=sales_end,
    )
    _check(pool)
    ctx.session.add(pool)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=event.org_id,
        action="ticket_type.create",
        target_type="ticket_type",
        target_id=pool.id,
        after=_plain(pool),
    )
    return pool


async def update_type(
    ctx: Ctx, *, event: Event, pool: CapacityPool, changes: dict[str, object]
) -> CapacityPool:
    """Change a type; its quota never goes below the tickets already sold."""
    before = _plain(pool)
    quota = changes.pop("quota", None)
    for key in ("sales_start", "sales_end"):
        value = changes.get(key)
        if isinstance(value, datetime):
            changes[key] = sales_instant(value, key)
    for key, value in changes.items():
        setattr(pool, key, value.upper() if key == "currency" and isinstance(value, str) else value)
    if isinstance(quota, int) and not 0 <= quota <= MAX_QUOTA:
        raise InvalidInput(f"A quota is between 0 and {MAX_QUOTA}.", field="quota")
    _check(pool)
    if isinstance(quota, int):
        await ctx.session.flush()
        result = await ctx.session.execute(
            update(CapacityPool)
            .where(CapacityPool.id == pool.id, CapacityPool.taken <= quota)
            .values(capacity=quota)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict("More tickets of this type are sold than the new quota.")
    await ctx.session.flush()
    await ctx.session.refresh(pool)
    await audit.record(
        ctx,
        org_id=event.org_id,
        action="ticket_type.update",
        target_type="ticket_type",
        target_id=pool.id,
        before=before,
        after=_plain(pool),
    )
    return pool


def on_sale(pool: CapacityPool, now: datetime) -> bool:
    return (pool.sales_start is None or pool.sales_start <= now) and (
        pool.sales_end is None or now < pool.sales_end
    )


def _check_window(pool: CapacityPool, now: datetime) -> None:
    if pool.sales_start is not None and now < pool.sales_start:
        raise Conflict(f"Sales of {pool.name} start at {pool.sales_start.isoformat()}.")
    if pool.sales_end is not None and now >= pool.sales_end:
        raise Conflict(f"Sales of {pool.name} have ended.")


async def resolve(
    ctx: Ctx,
    *,
    event: Event,
    seats: CapacityPool,
    quantity: int | None,
    items: list[tuple[str, int]] | None,
) -> list[Line]:
    """`lines_for` with the event's types read from the database."""
    types = await types_of(ctx, event.id)
    return lines_for(types, seats=seats, quantity=quantity, items=items, now=ctx.now())


def lines_for(
    types: Sequence[CapacityPool],
    *,
    seats: CapacityPool,
    quantity: int | None,
    items: list[tuple[str, int]] | None,
    now: datetime,
) -> list[Line]:
    """What a booking asks for, checked: known types, on sale, within per-order limits.

    `{quantity}` alone books plain seats when the event has no ticket types, or the one
    type on sale when there is exactly one. Pure: the booking path passes the types it read
    with the seats, in the same statement.
    """
    if not items:
        if quantity is None or quantity < 1:
            raise InvalidInput("Book at least one seat.", field="quantity")
        if not types:
            if seats.max_per_order is not None and quantity > seats.max_per_order:
                raise InvalidInput(
                    f"At most {seats.max_per_order} seats per booking.", field="quantity"
                )
            return [Line(seats, quantity)]
        selling = [t for t in types if on_sale(t, now)]
        if len(selling) == 1:
            items = [(selling[0].id, quantity)]
        elif not selling:
            raise Conflict("No tickets of this event are on sale right now.")
        else:
            raise InvalidInput("Choose how many tickets of each type.", field="items")
    wanted: dict[str, int] = {}
    for type_id, count in items:
        if count < 0:
            raise InvalidInput("Quantities cannot be negative.", field="items")
        wanted[type_id] = wanted.get(type_id, 0) + count
    by_id = {t.id: t for t in types}
    lines = []
    for type_id, count in sorted(wanted.items()):
        pool = by_id.get(type_id)
        if pool is None:
            raise InvalidInput("A ticket type of another event was asked for.", field="items")
        if count == 0:
            continue
        _check_window(pool, now)
        if pool.max_per_order is not None and count > pool.max_per_order:
            raise InvalidInput(
                f"At most {pool.max_per_order} {pool.name} tickets per booking.", field="items"
            )
        lines.append(Line(pool, count))
    if not lines:
        raise InvalidInput("Book at least one ticket.", field="items")
    total = sum(line.quantity for line in lines)
    if seats.max_per_order is not None and total > seats.max_per_order:
        raise InvalidInput(f"At most {seats.max_per_order} seats per booking.", field="quantity")
    return lines
