"""Shaping reservations and venues for the API (guest and staff views)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from cadence.context import Ctx
from cadence.venues import reservations
from cadence.venues import service as venues
from cadence.venues.models import Reservation, Venue, VenueGuest
from cadence.venues.schemas import (
    AreaOut,
    DepositOut,
    GuestBrief,
    PublicVenueOut,
    ReservationOut,
    StaffReservationOut,
    TableRef,
    TimeOut,
    TimesOut,
)


async def present(
    ctx: Ctx, rows: list[Reservation], *, staff: bool
) -> list[ReservationOut] | list[StaffReservationOut]:
    tables = await reservations.tables_of(ctx, [r.id for r in rows])
    profiles: dict[str, VenueGuest] = {}
    wanted = {r.guest_id for r in rows if r.guest_id}
    if staff and wanted:
        query = select(VenueGuest).where(VenueGuest.id.in_(wanted))
        profiles = {g.id: g for g in await ctx.session.scalars(query)}
    names: dict[str, str] = {}
    out_guest: list[ReservationOut] = []
    out_staff: list[StaffReservationOut] = []
    for r in rows:
        if r.venue_id not in names:
            v = await ctx.session.get(Venue, r.venue_id)
            names[r.venue_id] = v.name if v else ""
        base = {
            "id": r.id,
            "venue_id": r.venue_id,
            "venue_name": names[r.venue_id],
            "org_id": r.org_id,
            "guest_name": r.guest_name,
            "party_size": r.party_size,
            "starts_at": r.starts_at,
            "ends_at": r.ends_at,
            "status": r.status,
            "area_id": r.area_id,
            "tables": [TableRef(id=t.id, name=t.name) for t in tables[r.id]],
            "occasion": r.occasion,
            "guest_note": r.guest_note,
            "deposit": DepositOut(
                amount_cents=r.deposit_cents,
                currency=r.currency,
                status=r.deposit_status,
                provider=r.deposit_provider,
                held_until=r.hold_expires_at,
                checkout_url=r.deposit_checkout_url if r.status == "held" else None,
            ),
            "event_night_id": r.event_night_id,
            "version": r.version,
        }
        if staff:
            out_staff.append(
                StaffReservationOut(
                    **base,
                    user_id=r.user_id,
                    guest_email=r.guest_email,
                    guest_phone=r.guest_phone,
                    source=r.source,
                    staff_note=r.staff_note,
                    guest_id=r.guest_id,
                    guest=_brief(profiles.get(r.guest_id or "")),
                )
            )
        else:
            out_guest.append(ReservationOut(**base))
    return out_staff if staff else out_guest


def _brief(g: VenueGuest | None) -> GuestBrief | None:
    if g is None:
        return None
    return GuestBrief(
        id=g.id, tags=list(g.tags or []), visit_count=g.visit_count, no_show_count=g.no_show_count
    )


async def one_staff(ctx: Ctx, r: Reservation) -> StaffReservationOut:
    out = await present(ctx, [r], staff=True)
    item = out[0]
    assert isinstance(item, StaffReservationOut)
    return item


async def one_guest(ctx: Ctx, r: Reservation) -> ReservationOut:
    return (await present(ctx, [r], staff=False))[0]


async def public(ctx: Ctx, venue: Venue) -> PublicVenueOut:
    areas = await venues.list_areas(ctx, venue=venue)
    return PublicVenueOut(
        id=venue.id,
        name=venue.name,
        timezone=venue.timezone,
        description=venue.description,
        max_party_size=venue.max_party_size,
        slot_minutes=venue.slot_minutes,
        areas=[AreaOut.model_validate(a) for a in areas],
    )


def times_out(day: date, party_size: int, venue: Venue, times: list[datetime]) -> TimesOut:
    slot = timedelta(minutes=venue.slot_minutes)
    return TimesOut(
        day=day,
        party_size=party_size,
        times=[TimeOut(starts_at=t, ends_at=t + slot) for t in times],
    )
