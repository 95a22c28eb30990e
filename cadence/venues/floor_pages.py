"""The staff view of a night: floor plan with live table states, timeline, walk-ins.

Everything here calls the same services as the staff API. The floor plan is SVG drawn on
the server from the tables' positions (`floorplan.py`); `venues-floor.js` lets staff pick
one table or a combination on it for a walk-in or a move (the same rules as the server,
`assignment.choice_problem`), lets managers drag tables and save the plan (`layout.py`),
and refreshes the view on live reservation and floor events.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import ValidationError

from cadence.accounts.roles import Role
from cadence.errors import CadenceError
from cadence.http.deps import CtxDep
from cadence.venues import assignment, floorplan, hours, layout, nights, reservations
from cadence.venues import service as venues
from cadence.venues.models import Reservation, Venue, VenueGuest, VenueTable
from cadence.venues.schemas import LayoutIn
from cadence.web.session import OrgAccess, WebExit, WebRoute, org_access, page, read_form, redirect

router = APIRouter(route_class=WebRoute, include_in_schema=False)
MemberAccess = Annotated[OrgAccess, Depends(org_access(Role.member))]
ManagerAccess = Annotated[OrgAccess, Depends(org_access(Role.manager))]
STATUS_STEPS = {
    "held": ("confirmed", "cancelled"),
    "pending": ("confirmed", "cancelled"),
    "confirmed": ("seated", "no_show", "cancelled"),
    "seated": ("completed",),
}
STEP = timedelta(minutes=30)


def _grid(
    tables: list[VenueTable],
    rows: list[Reservation],
    assigned: dict[str, list[VenueTable]],
    columns: list[datetime],
) -> dict[str, list[tuple[int, Reservation | None]]]:
    """Per table, the timeline's cells: (columns spanned, reservation or None)."""
    grid: dict[str, list[tuple[int, Reservation | None]]] = {}
    for tb in tables:
        held = [r for r in rows if any(x.id == tb.id for x in assigned[r.id])]
        cells: list[tuple[int, Reservation | None]] = []
        i = 0
        while i < len(columns):
            c = columns[i]
            hit = next((r for r in held if r.starts_at < c + STEP and r.ends_at > c), None)
            span = 1
            while hit and i + span < len(columns) and columns[i + span] < hit.ends_at:
                span += 1
            cells.append((span, hit))
            i += span
        grid[tb.id] = cells
    return grid


@router.get("/orgs/{org_id}/venue/floor", response_class=HTMLResponse)
async def floor_page(
    request: Request,
    ctx: CtxDep,
    access: MemberAccess,
    day: Annotated[date | None, Query()] = None,
) -> HTMLResponse:
    venue = await venues.venue_of_org(ctx, access.org.id)
    now = ctx.now()
    today = hours.service_date_of(now, venue.timezone)
    day = day or today
    zone = ZoneInfo(venue.timezone)
    start, end = hours.service_day(day, venue.timezone)
    open_set = await venues.open_time(ctx, venue=venue, start=start, end=end)
    bounds = open_set.bounds
    first = bounds.start if bounds else start + timedelta(hours=11)
    last = bounds.end if bounds else start + timedelta(hours=17)
    columns: list[datetime] = []
    t = assignment.floor_slot(first)
    while t < last:
        columns.append(t)
        t += STEP
    rows = [
        r
        for r in await reservations.of_day(ctx, venue=venue, day=day)
        if r.status not in ("cancelled", "expired")
    ]
    assigned = await reservations.tables_of(ctx, [r.id for r in rows])
    tables = await venues.list_tables(ctx, venue=venue)
    # live states today; on another day, as the doors open
    at = now if day == today else first
    states = {
        tb.id: floorplan.state_at(
            at,
            [
                floorplan.Booked(r.status, r.starts_at, r.ends_at)
                for r in rows
                if any(x.id == tb.id for x in assigned[r.id])
            ],
            active=tb.active,
        )
        for tb in tables
    }
    placed = layout.drawn(tables)
    guest_ids = {r.guest_id for r in rows if r.guest_id}
    guests = {gid: await ctx.session.get(VenueGuest, gid) for gid in guest_ids}
    return await page(
        request,
        ctx,
        "venues/floor.html",
        login=access.login,
        org=access.org,
        venue=venue,
        day=day,
        is_today=day == today,
        at=at,
        prev_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        zone=zone,
        columns=columns,
        tables=tables,
        by_id={tb.id: tb for tb in tables},
        plan_width=floorplan.WIDTH,
        plan_bounds=floorplan.HEIGHT,
        snap=floorplan.SNAP,
        grid=_grid(tables, rows, assigned, columns),
        reservations=rows,
        assigned=assigned,
        guests=guests,
        steps=STATUS_STEPS,
        placed=placed,
        plan_height=floorplan.height_of(placed),
        states=states,
        is_open=bool(open_set),
        nights=await nights.between(ctx, venue=venue, start=start, end=end),
        can_manage=access.role.at_least(Role.manager),
    )


def _back(access: OrgAccess, venue: Venue, r: Reservation | None = None) -> str:
    if r is None:
        return f"/orgs/{access.org.id}/venue/floor"
    day = hours.service_date_of(r.starts_at, venue.timezone)
    return f"/orgs/{access.org.id}/venue/floor?day={day}"


def _table_ids(form: dict[str, str]) -> tuple[str, ...] | None:
    """Tables chosen on the plan (`table_ids`, space-separated), else the one of the list."""
    raw = form.get("table_ids") or form.get("table_id") or ""
    ids = tuple(dict.fromkeys(i for i in raw.replace(",", " ").split() if i))
    return ids[:10] or None


@router.post("/orgs/{org_id}/venue/reservations/{reservation_id}/status")
async def floor_status(
    request: Request, ctx: CtxDep, access: MemberAccess, reservation_id: str
) -> Response:
    form = await read_form(request)
    venue = await venues.venue_of_org(ctx, access.org.id)
    r = await reservations.for_staff(ctx, venue=venue, reservation_id=reservation_id)
    back = _back(access, venue, r)
    try:
        await reservations.set_status(ctx, venue=venue, r=r, status=form.get("status", ""))
    except CadenceError as exc:
        raise WebExit(redirect(request, back, flash=exc.detail, kind="error")) from exc
    return redirect(request, back, flash=f"{r.guest_name}: {r.status.replace('_', ' ')}.")


@router.post("/orgs/{org_id}/venue/reservations/{reservation_id}/tables")
async def floor_move(
    request: Request, ctx: CtxDep, access: MemberAccess, reservation_id: str
) -> Response:
    """Staff override: put the party at the tables chosen on the floor plan."""
    form = await read_form(request)
    venue = await venues.venue_of_org(ctx, access.org.id)
    r = await reservations.for_staff(ctx, venue=venue, reservation_id=reservation_id)
    back = _back(access, venue, r)
    ids = _table_ids(form)
    if not ids:
        return redirect(request, back, flash="Pick a table on the floor plan.", kind="error")
    try:
        await reservations.change(ctx, venue=venue, r=r, table_ids=ids)
    except CadenceError as exc:
        raise WebExit(redirect(request, back, flash=exc.detail, kind="error")) from exc
    names = " + ".join(t.name for t in (await reservations.tables_of(ctx, [r.id]))[r.id])
    return redirect(request, back, flash=f"{r.guest_name} moved to {names}.")


@router.post("/orgs/{org_id}/venue/walk-ins")
async def walk_in(request: Request, ctx: CtxDep, access: MemberAccess) -> Response:
    """Seat a party that just walked in, now, at the chosen tables or the best free ones."""
    form = await read_form(request)
    venue = await venues.venue_of_org(ctx, access.org.id)
    back = _back(access, venue)
    try:
        party = int(form.get("party_size") or "2")
    except ValueError:
        return redirect(request, back, flash="How many people?", kind="error")
    try:
        r, _ = await reservations.reserve(
            ctx,
            venue=venue,
            guest=reservations.Guest(
                (form.get("guest_name") or "Walk-in")[:200], None, form.get("phone") or None
            ),
            wish=reservations.Wish(
                starts_at=assignment.floor_slot(ctx.now()),
                party_size=party,
                table_ids=_table_ids(form),
                staff_note=form.get("note") or None,
            ),
            source="walk_in",
        )
    except CadenceError as exc:
        raise WebExit(redirect(request, back, flash=exc.detail, kind="error")) from exc
    names = " + ".join(t.name for t in (await reservations.tables_of(ctx, [r.id]))[r.id])
    return redirect(request, back, flash=f"{r.guest_name} ({party}) seated at {names}.")


@router.post("/orgs/{org_id}/venue/layout")
async def save_layout(request: Request, ctx: CtxDep, access: ManagerAccess) -> JSONResponse:
    """The plan editor's save: `floor_version` and `tables` (JSON `[{id, x, y}]`); JSON back."""
    form = await read_form(request)
    venue = await venues.venue_of_org(ctx, access.org.id)
    try:
        body = LayoutIn.model_validate(
            {"floor_version": form.get("floor_version"), "tables": json.loads(form["tables"])}
        )
    except (KeyError, ValueError, ValidationError):
        problem = {"status": 422, "title": "Invalid input", "detail": "Positions are not valid."}
        return JSONResponse(problem, status_code=422)
    try:
        await layout.save(
            ctx,
            venue=venue,
            version=body.floor_version,
            positions=[layout.Position(p.id, round(p.x), round(p.y)) for p in body.tables],
        )
    except CadenceError as exc:
        problem = {"status": exc.status, "title": exc.title, "detail": exc.detail, **exc.extra}
        raise WebExit(JSONResponse(problem, status_code=exc.status)) from exc
    return JSONResponse({"floor_version": venue.floor_version})
