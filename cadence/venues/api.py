"""Staff side of the venues API: `/api/v1/orgs/{org_id}/venue/...`.

Members read the floor and take reservations (phone, walk-ins); managers configure the
venue. Not a member answers 404. Lookups are dependencies, so a foreign id answers 404
before the body is even looked at. The guests' side is `guest_api.py`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from cadence.http.deps import (
    CtxDep,
    CurrentUser,
    ManagerDep,
    MemberDep,
    ViewerDep,
    load_org,
)
from cadence.http.schemas import PROBLEM_RESPONSES, Page
from cadence.venues import floorplan, holds, hours, layout, nights, reservations
from cadence.venues import service as venues
from cadence.venues.models import Reservation, Venue, VenueEventNight, VenueTable
from cadence.venues.present import one_staff, present, times_out
from cadence.venues.schemas import (
    AreaIn,
    AreaOut,
    AreaUpdate,
    EventNightIn,
    EventNightOut,
    ExceptionIn,
    ExceptionOut,
    FloorOut,
    FloorTableOut,
    HoursEntryIn,
    HoursIn,
    HoursOut,
    LayoutIn,
    LayoutOut,
    LayoutTableOut,
    ServiceDay,
    StaffReservationIn,
    StaffReservationOut,
    StaffReservationUpdate,
    StatusIn,
    TableIn,
    TableOut,
    TableUpdate,
    TimeOut,
    TimesOut,
    VenueIn,
    VenueOut,
)

router = APIRouter(prefix="/api/v1", tags=["venues"], responses=PROBLEM_RESPONSES)
Cursor = Annotated[str | None, Query(max_length=64)]
Id = Annotated[str, Path(max_length=64)]
STAFF = "/orgs/{org_id}/venue"

# --- dependencies --------------------------------------------------------------------------


async def _viewer_venue(ctx: CtxDep, membership: ViewerDep) -> Venue:
    return await venues.venue_of_org(ctx, membership.org_id)


async def _member_venue(ctx: CtxDep, membership: MemberDep) -> Venue:
    return await venues.venue_of_org(ctx, membership.org_id)


async def _manager_venue(ctx: CtxDep, membership: ManagerDep) -> Venue:
    return await venues.venue_of_org(ctx, membership.org_id)


ViewerVenue = Annotated[Venue, Depends(_viewer_venue)]
MemberVenue = Annotated[Venue, Depends(_member_venue)]
ManagerVenue = Annotated[Venue, Depends(_manager_venue)]


# --- staff: settings -----------------------------------------------------------------------


@router.get(STAFF, response_model=VenueOut)
async def get_venue(venue: ViewerVenue) -> VenueOut:
    return VenueOut.model_validate(venue)


@router.put(STAFF, response_model=VenueOut)
async def put_venue(body: VenueIn, ctx: CtxDep, membership: ManagerDep) -> VenueOut:
    org = await load_org(ctx, membership)
    venue = await venues.save_venue(ctx, org=org, settings=body.model_dump())
    return VenueOut.model_validate(venue)


@router.get(STAFF + "/hours", response_model=HoursOut)
async def get_hours(venue: ViewerVenue) -> HoursOut:
    return HoursOut(
        timezone=venue.timezone,
        weekly=[HoursEntryIn.model_validate(e) for e in venue.weekly_hours],
    )


@router.put(STAFF + "/hours", response_model=HoursOut)
async def put_hours(body: HoursIn, ctx: CtxDep, venue: ManagerVenue) -> HoursOut:
    entries = [hours.HoursEntry(e.weekday, e.start, e.end) for e in body.weekly]
    await venues.set_hours(ctx, venue=venue, weekly=entries)
    return HoursOut(timezone=venue.timezone, weekly=body.weekly)


@router.get(STAFF + "/exceptions", response_model=Page[ExceptionOut])
async def list_exceptions(
    ctx: CtxDep, venue: ViewerVenue, from_day: date | None = None
) -> Page[ExceptionOut]:
    rows = await venues.list_exceptions(ctx, venue=venue, from_day=from_day)
    return Page(items=[ExceptionOut.model_validate(r) for r in rows])


@router.post(STAFF + "/exceptions", status_code=201, response_model=ExceptionOut)
async def add_exception(body: ExceptionIn, ctx: CtxDep, venue: ManagerVenue) -> ExceptionOut:
    row = await venues.add_exception(ctx, venue=venue, **body.model_dump())
    return ExceptionOut.model_validate(row)


@router.delete(STAFF + "/exceptions/{exception_id}", status_code=204)
async def delete_exception(exception_id: Id, ctx: CtxDep, venue: ManagerVenue) -> Response:
    await venues.delete_exception(ctx, venue=venue, exception_id=exception_id)
    return Response(status_code=204)


# --- staff: floor --------------------------------------------------------------------------


@router.get(STAFF + "/areas", response_model=Page[AreaOut])
async def list_areas(ctx: CtxDep, venue: ViewerVenue) -> Page[AreaOut]:
    return Page(
        items=[AreaOut.model_validate(a) for a in await venues.list_areas(ctx, venue=venue)]
    )


@router.post(STAFF + "/areas", status_code=201, response_model=AreaOut)
async def create_area(body: AreaIn, ctx: CtxDep, venue: ManagerVenue) -> AreaOut:
    area = await venues.create_area(ctx, venue=venue, name=body.name, position=body.position)
    return AreaOut.model_validate(area)


@router.patch(STAFF + "/areas/{area_id}", response_model=AreaOut)
async def update_area(area_id: Id, body: AreaUpdate, ctx: CtxDep, venue: ManagerVenue) -> AreaOut:
    area = await venues.area_of(ctx, venue=venue, area_id=area_id)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    return AreaOut.model_validate(
        await venues.update_area(ctx, area=area, venue=venue, changes=changes)
    )


@router.delete(STAFF + "/areas/{area_id}", status_code=204)
async def delete_area(area_id: Id, ctx: CtxDep, venue: ManagerVenue) -> Response:
    await venues.delete_area(ctx, area=await venues.area_of(ctx, venue=venue, area_id=area_id))
    return Response(status_code=204)


@router.get(STAFF + "/tables", response_model=Page[TableOut])
async def list_tables(ctx: CtxDep, venue: ViewerVenue) -> Page[TableOut]:
    rows = await venues.list_tables(ctx, venue=venue)
    return Page(items=[TableOut.model_validate(t) for t in rows])


@router.post(STAFF + "/tables", status_code=201, response_model=TableOut)
async def create_table(body: TableIn, ctx: CtxDep, venue: ManagerVenue) -> TableOut:
    table = await venues.create_table(ctx, venue=venue, fields=body.model_dump())
    return TableOut.model_validate(table)


@router.patch(STAFF + "/tables/{table_id}", response_model=TableOut)
async def update_table(
    table_id: Id, body: TableUpdate, ctx: CtxDep, venue: ManagerVenue
) -> TableOut:
    table = await venues.table_of(ctx, venue=venue, table_id=table_id)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    return TableOut.model_validate(
        await venues.update_table(ctx, venue=venue, table=table, changes=changes)
    )


@router.delete(STAFF + "/tables/{table_id}", status_code=204)
async def delete_table(table_id: Id, ctx: CtxDep, venue: ManagerVenue) -> Response:
    table = await venues.table_of(ctx, venue=venue, table_id=table_id)
    await venues.delete_table(ctx, venue=venue, table=table)
    return Response(status_code=204)


def _layout_out(venue: Venue, tables: list[VenueTable]) -> LayoutOut:
    placed = {p.id: p for p in layout.drawn(tables)}
    return LayoutOut(
        floor_version=venue.floor_version,
        width=floorplan.WIDTH,
        height=floorplan.HEIGHT,
        tables=[
            LayoutTableOut(
                id=t.id,
                name=t.name,
                area_id=t.area_id,
                seats_min=t.seats_min,
                seats_max=t.seats_max,
                combinable=t.combinable,
                neighbours=list(t.neighbours or ()),
                active=t.active,
                shape=t.shape,
                x=placed[t.id].cx,
                y=placed[t.id].cy,
                w=placed[t.id].w,
                h=placed[t.id].h,
                placed=bool(t.x or t.y),
            )
            for t in tables
        ],
    )


@router.get(STAFF + "/layout", response_model=LayoutOut)
async def get_layout(ctx: CtxDep, venue: ViewerVenue) -> LayoutOut:
    """The floor plan as drawn, with the floor version to save an edit against."""
    return _layout_out(venue, await venues.list_tables(ctx, venue=venue))


@router.put(STAFF + "/layout", response_model=LayoutOut)
async def put_layout(body: LayoutIn, ctx: CtxDep, venue: ManagerVenue) -> LayoutOut:
    """Move tables on the floor plan in one transaction (managers; a stale version is 409,
    a table outside the plan or overlapping another 422)."""
    tables = await layout.save(
        ctx,
        venue=venue,
        version=body.floor_version,
        positions=[layout.Position(p.id, round(p.x), round(p.y)) for p in body.tables],
    )
    return _layout_out(venue, tables)


@router.get(STAFF + "/floor", response_model=FloorOut)
async def floor(day: ServiceDay, ctx: CtxDep, venue: MemberVenue) -> FloorOut:
    """One service day (06:00 to 06:00 local): every table with its reservations."""
    rows = await reservations.of_day(ctx, venue=venue, day=day)
    shown = [r for r in rows if r.status not in ("cancelled", "expired")]
    out = await present(ctx, shown, staff=True)
    assigned = await reservations.tables_of(ctx, [r.id for r in shown])
    by_table: dict[str, list[StaffReservationOut]] = {}
    unassigned: list[StaffReservationOut] = []
    for r, item in zip(shown, out, strict=True):
        assert isinstance(item, StaffReservationOut)
        if not assigned[r.id]:
            unassigned.append(item)
        for t in assigned[r.id]:
            by_table.setdefault(t.id, []).append(item)
    start, end = hours.service_day(day, venue.timezone)
    open_set = await venues.open_time(ctx, venue=venue, start=start, end=end)
    found = await nights.between(ctx, venue=venue, start=start, end=end)
    now = ctx.now()

    def state(t: VenueTable) -> str:
        booked = [
            floorplan.Booked(r.status, r.starts_at, r.ends_at)
            for r in shown
            if any(x.id == t.id for x in assigned[r.id])
        ]
        return floorplan.state_at(now, booked, active=t.active)

    return FloorOut(
        day=day,
        timezone=venue.timezone,
        floor_version=venue.floor_version,
        opens=[TimeOut(starts_at=i.start, ends_at=i.end) for i in open_set],
        areas=[AreaOut.model_validate(a) for a in await venues.list_areas(ctx, venue=venue)],
        tables=[
            FloorTableOut(
                table=TableOut.model_validate(t),
                reservations=by_table.get(t.id, []),
                state=state(t),
            )
            for t in await venues.list_tables(ctx, venue=venue)
        ],
        unassigned=unassigned,
        event_nights=[_night(n, e.name) for n, e in found],
    )


def _night(n: VenueEventNight, name: str) -> EventNightOut:
    return EventNightOut(
        id=n.id,
        event_id=n.event_id,
        name=name,
        starts_at=n.starts_at,
        ends_at=n.ends_at,
        deposit_cents_per_person=n.deposit_cents_per_person,
    )


@router.get(STAFF + "/times", response_model=TimesOut)
async def staff_times(
    day: date,
    party_size: Annotated[int, Query(ge=1, le=200)],
    ctx: CtxDep,
    venue: MemberVenue,
) -> TimesOut:
    times = await reservations.available_times(
        ctx, venue=venue, day=day, party_size=party_size, for_guest=False
    )
    return times_out(day, party_size, venue, times)


@router.post(STAFF + "/event-nights", status_code=201, response_model=EventNightOut)
async def create_event_night(
    body: EventNightIn,
    ctx: CtxDep,
    membership: ManagerDep,
    user: CurrentUser,
    venue: ManagerVenue,
) -> EventNightOut:
    night, event = await nights.create(
        ctx,
        org=await load_org(ctx, membership),
        venue=venue,
        by=user,
        **body.model_dump(),
    )
    return _night(night, event.name)


# --- staff: reservations -------------------------------------------------------------------


@router.get(STAFF + "/reservations", response_model=Page[StaffReservationOut])
async def day_reservations(day: date, ctx: CtxDep, venue: MemberVenue) -> Page[StaffReservationOut]:
    rows = await reservations.of_day(ctx, venue=venue, day=day)
    items = [i for i in await present(ctx, rows, staff=True) if isinstance(i, StaffReservationOut)]
    return Page(items=items)


@router.post(STAFF + "/reservations", status_code=201, response_model=StaffReservationOut)
async def staff_reserve(
    body: StaffReservationIn, ctx: CtxDep, venue: MemberVenue
) -> StaffReservationOut:
    r, _ = await reservations.reserve(
        ctx,
        venue=venue,
        guest=reservations.Guest(
            body.guest_name,
            body.guest_email,
            body.guest_phone,
            guest_id=body.guest_id,
            marketing_consent=body.marketing_consent,
        ),
        wish=reservations.Wish(
            starts_at=body.starts_at,
            party_size=body.party_size,
            area_id=body.area_id,
            occasion=body.occasion,
            guest_note=body.guest_note,
            staff_note=body.staff_note,
            table_ids=tuple(body.table_ids) if body.table_ids else None,
        ),
        source=body.source,
    )
    return await one_staff(ctx, r)


async def _staff_reservation(ctx: CtxDep, venue: MemberVenue, reservation_id: Id) -> Reservation:
    return await reservations.for_staff(ctx, venue=venue, reservation_id=reservation_id)


StaffReservation = Annotated[Reservation, Depends(_staff_reservation)]


@router.get(STAFF + "/reservations/{reservation_id}", response_model=StaffReservationOut)
async def staff_get(ctx: CtxDep, r: StaffReservation) -> StaffReservationOut:
    return await one_staff(ctx, r)


@router.patch(STAFF + "/reservations/{reservation_id}", response_model=StaffReservationOut)
async def staff_update(
    body: StaffReservationUpdate, ctx: CtxDep, venue: MemberVenue, r: StaffReservation
) -> StaffReservationOut:
    notes = body.model_dump(include={"staff_note", "guest_note"}, exclude_unset=True)
    if notes or body.table_ids:
        await reservations.change(
            ctx,
            venue=venue,
            r=r,
            notes=notes,
            table_ids=tuple(body.table_ids) if body.table_ids else None,
        )
    if body.deposit_status == "paid":
        # staff took the money: it confirms a held reservation like a provider would
        await holds.mark_paid(ctx, venue=venue, r=r, provider=r.deposit_provider or "manual")
    elif body.deposit_status is not None:
        await reservations.set_deposit_status(ctx, r=r, status=body.deposit_status)
    return await one_staff(ctx, r)


@router.post(STAFF + "/reservations/{reservation_id}/status", response_model=StaffReservationOut)
async def staff_status(
    body: StatusIn, ctx: CtxDep, venue: MemberVenue, r: StaffReservation
) -> StaffReservationOut:
    await reservations.set_status(ctx, venue=venue, r=r, status=body.status)
    return await one_staff(ctx, r)
