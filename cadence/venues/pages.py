"""Web pages of venues: the staff floor view of a night, venue settings, the guest's form.

Every page calls the same services as the API; forms post back and redirect with a flash.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from cadence.accounts.roles import Role
from cadence.errors import CadenceError
from cadence.http.deps import CtxDep
from cadence.venues import assignment, hours, nights, reservations
from cadence.venues import service as venues
from cadence.venues.models import Reservation, Venue
from cadence.web.forms import timezones
from cadence.web.session import (
    LoginDep,
    OrgAccess,
    ViewerAccess,
    WebExit,
    WebRoute,
    org_access,
    page,
    read_form,
    redirect,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)
MemberAccess = Annotated[OrgAccess, Depends(org_access(Role.member))]
ManagerAccess = Annotated[OrgAccess, Depends(org_access(Role.manager))]
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
STATUS_STEPS = {
    "pending": ("confirmed", "cancelled"),
    "confirmed": ("seated", "no_show", "cancelled"),
    "seated": ("completed",),
}


def _today(venue: Venue) -> date:
    return hours.service_date_of(datetime.now(ZoneInfo(venue.timezone)), venue.timezone)


def _int(form: dict[str, str], key: str, default: int) -> int:
    try:
        return int(form.get(key) or default)
    except ValueError:
        return default


# --- staff: the floor of a night -----------------------------------------------------------


@router.get("/orgs/{org_id}/venue/floor", response_class=HTMLResponse)
async def floor_page(
    request: Request,
    ctx: CtxDep,
    access: MemberAccess,
    day: Annotated[date | None, Query()] = None,
) -> HTMLResponse:
    venue = await venues.venue_of_org(ctx, access.org.id)
    day = day or _today(venue)
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
        t += timedelta(minutes=30)
    rows = [
        r for r in await reservations.of_day(ctx, venue=venue, day=day) if r.status != "cancelled"
    ]
    assigned = await reservations.tables_of(ctx, [r.id for r in rows])
    tables = await venues.list_tables(ctx, venue=venue)
    step = timedelta(minutes=30)
    grid: dict[str, list[tuple[int, Reservation | None]]] = {}
    for tb in tables:
        held = [r for r in rows if any(x.id == tb.id for x in assigned[r.id])]
        cells: list[tuple[int, Reservation | None]] = []
        i = 0
        while i < len(columns):
            c = columns[i]
            hit = next((r for r in held if r.starts_at < c + step and r.ends_at > c), None)
            span = 1
            while hit and i + span < len(columns) and columns[i + span] < hit.ends_at:
                span += 1
            cells.append((span, hit))
            i += span
        grid[tb.id] = cells
    return await page(
        request,
        ctx,
        "venues/floor.html",
        login=access.login,
        org=access.org,
        venue=venue,
        day=day,
        prev_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        zone=zone,
        columns=columns,
        tables=tables,
        grid=grid,
        reservations=rows,
        assigned=assigned,
        steps=STATUS_STEPS,
        is_open=bool(open_set),
        nights=await nights.between(ctx, venue=venue, start=start, end=end),
        can_manage=access.role.at_least(Role.manager),
    )


@router.post("/orgs/{org_id}/venue/reservations/{reservation_id}/status")
async def floor_status(
    request: Request, ctx: CtxDep, access: MemberAccess, reservation_id: str
) -> Response:
    form = await read_form(request)
    venue = await venues.venue_of_org(ctx, access.org.id)
    r = await reservations.for_staff(ctx, venue=venue, reservation_id=reservation_id)
    day = hours.service_date_of(r.starts_at, venue.timezone)
    back = f"/orgs/{access.org.id}/venue/floor?day={day}"
    await reservations.set_status(ctx, venue=venue, r=r, status=form.get("status", ""))
    return redirect(request, back, flash=f"{r.guest_name}: {r.status.replace('_', ' ')}.")


# --- staff: settings -----------------------------------------------------------------------


@router.get("/orgs/{org_id}/venue", response_class=HTMLResponse)
async def settings_page(request: Request, ctx: CtxDep, access: ViewerAccess) -> HTMLResponse:
    venue = await venues.find_venue(ctx, access.org.id)
    by_day: dict[int, dict[str, str]] = {}
    for e in venue.weekly_hours if venue else []:
        by_day.setdefault(int(e["weekday"]), e)
    return await page(
        request,
        ctx,
        "venues/settings.html",
        login=access.login,
        org=access.org,
        venue=venue,
        areas=await venues.list_areas(ctx, venue=venue) if venue else [],
        tables=await venues.list_tables(ctx, venue=venue) if venue else [],
        exceptions=await venues.list_exceptions(ctx, venue=venue, from_day=_today(venue))
        if venue
        else [],
        days=DAYS,
        by_day=by_day,
        timezones=timezones(),
        can_manage=access.role.at_least(Role.manager),
    )


def _back(access: OrgAccess) -> str:
    return f"/orgs/{access.org.id}/venue"


@router.post("/orgs/{org_id}/venue/settings")
async def save_settings(request: Request, ctx: CtxDep, access: ManagerAccess) -> Response:
    form = await read_form(request)
    settings = {
        "name": form.get("name") or access.org.name,
        "timezone": form.get("timezone") or access.org.timezone,
        "description": form.get("description") or None,
        "published": form.get("published") == "on",
        "slot_minutes": _int(form, "slot_minutes", 120),
        "turnover_minutes": _int(form, "turnover_minutes", 15),
        "lead_minutes": _int(form, "lead_minutes", 60),
        "max_party_size": _int(form, "max_party_size", 12),
    }
    await venues.save_venue(ctx, org=access.org, settings=settings)
    return redirect(request, _back(access), flash="Venue saved.")


async def _venue_or_back(request: Request, ctx: CtxDep, access: OrgAccess) -> Venue:
    return await venues.venue_of_org(ctx, access.org.id)


@router.post("/orgs/{org_id}/venue/hours")
async def save_hours(request: Request, ctx: CtxDep, access: ManagerAccess) -> Response:
    form = await read_form(request)
    venue = await _venue_or_back(request, ctx, access)
    entries = [
        hours.HoursEntry(d, form[f"start_{d}"], form[f"end_{d}"])
        for d in range(7)
        if form.get(f"start_{d}") and form.get(f"end_{d}")
    ]
    try:
        await venues.set_hours(ctx, venue=venue, weekly=entries)
    except CadenceError as exc:
        raise WebExit(redirect(request, _back(access), flash=exc.detail, kind="error")) from exc
    return redirect(request, _back(access), flash="Opening hours saved.")


@router.post("/orgs/{org_id}/venue/areas")
async def add_area(request: Request, ctx: CtxDep, access: ManagerAccess) -> Response:
    form = await read_form(request)
    venue = await _venue_or_back(request, ctx, access)
    name = form.get("name", "")[:200]
    if not name:
        return redirect(request, _back(access), flash="Give the area a name.", kind="error")
    await venues.create_area(ctx, venue=venue, name=name, position=_int(form, "position", 0))
    return redirect(request, _back(access), flash=f"Area {name} added.")


@router.post("/orgs/{org_id}/venue/tables")
async def add_table(request: Request, ctx: CtxDep, access: ManagerAccess) -> Response:
    form = await read_form(request)
    venue = await _venue_or_back(request, ctx, access)
    name = form.get("name", "")[:200]
    if not name:
        return redirect(request, _back(access), flash="Give the table a name.", kind="error")
    fields = {
        "name": name,
        "area_id": form.get("area_id", ""),
        "seats_min": _int(form, "seats_min", 1),
        "seats_max": _int(form, "seats_max", 2),
        "combinable": form.get("combinable") == "on",
        "neighbours": [],
        "tags": [s.strip() for s in form.get("tags", "").split(",") if s.strip()][:20],
    }
    await venues.create_table(ctx, venue=venue, fields=fields)
    return redirect(request, _back(access), flash=f"Table {name} added.")


@router.post("/orgs/{org_id}/venue/exceptions")
async def add_exception(request: Request, ctx: CtxDep, access: ManagerAccess) -> Response:
    form = await read_form(request)
    venue = await _venue_or_back(request, ctx, access)
    try:
        day = date.fromisoformat(form.get("day", ""))
    except ValueError:
        return redirect(request, _back(access), flash="Pick a date.", kind="error")
    closed = not (form.get("opens") and form.get("closes"))
    await venues.add_exception(
        ctx,
        venue=venue,
        day=day,
        closed=closed,
        opens=form.get("opens") or None,
        closes=form.get("closes") or None,
        note=(form.get("note") or None),
    )
    return redirect(request, _back(access), flash="Exception added.")


# --- guests --------------------------------------------------------------------------------


@router.get("/venues/{venue_id}/reserve", response_class=HTMLResponse)
async def reserve_page(
    request: Request,
    ctx: CtxDep,
    login: LoginDep,
    venue_id: str,
    day: Annotated[date | None, Query()] = None,
    party_size: Annotated[int, Query(ge=1, le=200)] = 2,
) -> HTMLResponse:
    venue = await venues.visible_venue(ctx, venue_id=venue_id, user=login.user)
    day = day or _today(venue)
    times = await reservations.available_times(ctx, venue=venue, day=day, party_size=party_size)
    return await page(
        request,
        ctx,
        "venues/reserve.html",
        login=login,
        venue=venue,
        day=day,
        party_size=party_size,
        times=times,
        zone=ZoneInfo(venue.timezone),
        areas=await venues.list_areas(ctx, venue=venue),
    )


@router.post("/venues/{venue_id}/reserve")
async def reserve_submit(request: Request, ctx: CtxDep, login: LoginDep, venue_id: str) -> Response:
    form = await read_form(request)
    venue = await venues.visible_venue(ctx, venue_id=venue_id, user=login.user)
    back = f"/venues/{venue_id}/reserve"
    try:
        starts_at = datetime.fromisoformat(form.get("starts_at", ""))
        if starts_at.tzinfo is None:
            starts_at = hours.resolve_wall(starts_at, venue.timezone)
        party = int(form.get("party_size", "2"))
    except ValueError:
        return redirect(request, back, flash="Pick a time and a party size.", kind="error")
    try:
        r, _ = await reservations.reserve(
            ctx,
            venue=venue,
            guest=reservations.Guest(
                login.user.name, login.user.email, form.get("phone") or None, login.user.id
            ),
            wish=reservations.Wish(
                starts_at=starts_at,
                party_size=party,
                area_id=form.get("area_id") or None,
                occasion=(form.get("occasion") or None),
                guest_note=(form.get("note") or None),
            ),
        )
    except CadenceError as exc:
        local = starts_at.astimezone(ZoneInfo(venue.timezone))
        suggestions = ", ".join(
            datetime.fromisoformat(a).astimezone(ZoneInfo(venue.timezone)).strftime("%H:%M")
            for a in exc.extra.get("alternatives", [])
        )
        text = exc.detail + (f" Free times that day: {suggestions}." if suggestions else "")
        # raised, not returned: the unit of work must roll the half-made reservation back
        raise WebExit(
            redirect(
                request, f"{back}?day={local.date()}&party_size={party}", flash=text, kind="error"
            )
        ) from exc
    status = "requested" if r.status == "pending" else "confirmed"
    return redirect(request, "/my-reservations", flash=f"Your table for {party} is {status}.")


@router.get("/my-reservations", response_class=HTMLResponse)
async def my_reservations_page(request: Request, ctx: CtxDep, login: LoginDep) -> HTMLResponse:
    result = await reservations.of_user(ctx, user=login.user, cursor=None, limit=100)
    assigned = await reservations.tables_of(ctx, [r.id for r in result.items])
    names: dict[str, Venue] = {}
    for r in result.items:
        if r.venue_id not in names:
            v = await ctx.session.get(Venue, r.venue_id)
            if v is not None:
                names[r.venue_id] = v
    local = {
        r.id: r.starts_at.astimezone(ZoneInfo(names[r.venue_id].timezone)).strftime(
            "%a %d %b %Y, %H:%M"
        )
        for r in result.items
        if r.venue_id in names
    }
    return await page(
        request,
        ctx,
        "venues/mine.html",
        login=login,
        reservations=result.items,
        assigned=assigned,
        venues=names,
        now=ctx.now(),
        local=local,
    )


@router.post("/my-reservations/{reservation_id}/cancel")
async def cancel_mine(
    request: Request, ctx: CtxDep, login: LoginDep, reservation_id: str
) -> Response:
    await read_form(request)
    r = await reservations.for_guest(ctx, reservation_id=reservation_id, user=login.user)
    venue = await ctx.session.get(Venue, r.venue_id)
    if venue is None or r.user_id != login.user.id:
        return redirect(request, "/my-reservations", flash="No such reservation.", kind="error")
    await reservations.set_status(ctx, venue=venue, r=r, status="cancelled", by_guest=True)
    return redirect(request, "/my-reservations", flash="Reservation cancelled.")
