"""Reading reservations: one of a guest or of staff (404 otherwise), a day's, a user's."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from cadence.accounts import orgs as org_service
from cadence.accounts.models import User
from cadence.context import Ctx
from cadence.errors import NotFound
from cadence.pagination import Page, paginate
from cadence.venues import hours
from cadence.venues.models import Reservation, ReservationTable, Venue, VenueTable


async def tables_of(ctx: Ctx, reservation_ids: list[str]) -> dict[str, list[VenueTable]]:
    out: dict[str, list[VenueTable]] = {rid: [] for rid in reservation_ids}
    if not reservation_ids:
        return out
    query = (
        select(ReservationTable.reservation_id, VenueTable)
        .join(VenueTable, VenueTable.id == ReservationTable.table_id)
        .where(ReservationTable.reservation_id.in_(reservation_ids))
        .order_by(VenueTable.name)
    )
    for rid, table in (await ctx.session.execute(query)).all():
        out[rid].append(table)
    return out


async def for_guest(ctx: Ctx, *, reservation_id: str, user: User) -> Reservation:
    """The guest's own reservation, or any of the caller's venue; 404 for everyone else."""
    r = await ctx.session.get(Reservation, reservation_id)
    if r is None:
        raise NotFound("No such reservation.")
    if r.user_id != user.id:
        membership = await org_service.membership_of(ctx, org_id=r.org_id, user_id=user.id)
        if membership is None:
            raise NotFound("No such reservation.")
    return r


async def for_staff(ctx: Ctx, *, venue: Venue, reservation_id: str) -> Reservation:
    r = await ctx.session.get(Reservation, reservation_id)
    if r is None or r.venue_id != venue.id:
        raise NotFound("No such reservation.")
    return r


async def of_day(ctx: Ctx, *, venue: Venue, day: date) -> list[Reservation]:
    start, end = hours.service_day(day, venue.timezone)
    query = (
        select(Reservation)
        .where(
            Reservation.venue_id == venue.id,
            Reservation.starts_at >= start,
            Reservation.starts_at < end,
        )
        .order_by(Reservation.starts_at, Reservation.id)
    )
    return list((await ctx.session.scalars(query)).all())


async def of_user(ctx: Ctx, *, user: User, cursor: str | None, limit: int) -> Page[Reservation]:
    query = select(Reservation).where(Reservation.user_id == user.id)
    return await paginate(ctx.session, query, Reservation.id, cursor=cursor, limit=limit, desc=True)
