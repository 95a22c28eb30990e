"""Web pages of venues: venue settings, the guest's form and reservations.

The staff view of a night is `floor_pages.py`, the guest book `guestbook_pages.py`.

Every page calls the same services as the API; forms post back and redirect with a flash.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cadence.accounts import sessions
from cadence.accounts.models import User
from cadence.accounts.roles import Role
from cadence.context import Ctx
from cadence.errors import CadenceError
from cadence.http.deps import CtxDep, app_state
from cadence.http.requestctx import request_id_var
from cadence.venues import holds, hours, reservations
from cadence.venues import service as venues
from cadence.venues.models import Venue
from cadence.web.forms import timezones
from cadence.web.session import (
    SESSION_COOKIE,
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


def _today(venue: Venue) -> date:
    return hours.service_date_of(datetime.now(ZoneInfo(venue.timezone)), venue.timezone)


def _int(form: dict[str, str], key: str, default: int) -> int:
    try:
        return max(0, min(int(form.get(key) or default), 1_000_000))
    except ValueError:
        return default


def _float(form: dict[str, str], key: str) -> float:
    try:
        return max(0.0, min(float(form.get(key) or 0), 10_000.0))
    except ValueError:
        return 0.0


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
        "cancel_cutoff_minutes": _int(form, "cancel_cutoff_minutes", 120),
        "deposit_party_size": _int(form, "deposit_party_size", 0) or None,
        "deposit_cents_per_person": round(_float(form, "deposit_per_person") * 100),
        "deposit_provider": "stripe" if form.get("deposit_provider") == "stripe" else "manual",
        "deposit_hold_minutes": _int(form, "deposit_hold_minutes", 0),
        "deposit_refund_minutes": _int(form, "deposit_refund_hours", 24) * 60,
    }
    try:
        await venues.save_venue(ctx, org=access.org, settings=settings)
    except CadenceError as exc:
        raise WebExit(redirect(request, _back(access), flash=exc.detail, kind="error")) from exc
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
        **_placement(form),
    }
    await venues.create_table(ctx, venue=venue, fields=fields)
    return redirect(request, _back(access), flash=f"Table {name} added.")


def _placement(form: dict[str, str]) -> dict[str, int | str]:
    shape = form.get("shape", "square")
    return {
        "x": min(_int(form, "x", 0), 1000),
        "y": min(_int(form, "y", 0), 600),
        "shape": shape if shape in ("square", "round", "long") else "square",
    }


@router.post("/orgs/{org_id}/venue/tables/{table_id}/place")
async def place_table(
    request: Request, ctx: CtxDep, access: ManagerAccess, table_id: str
) -> Response:
    """Where the table stands on the floor plan (centre on a 1000 x 600 canvas)."""
    form = await read_form(request)
    venue = await _venue_or_back(request, ctx, access)
    table = await venues.table_of(ctx, venue=venue, table_id=table_id)
    await venues.update_table(ctx, venue=venue, table=table, changes=_placement(form))
    return redirect(request, _back(access), flash=f"Table {table.name} placed.")


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
                login.user.name,
                login.user.email,
                form.get("phone") or None,
                login.user.id,
                marketing_consent=True if form.get("marketing_consent") == "on" else None,
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
    if r.status == "held":
        return redirect(
            request,
            "/my-reservations",
            flash=f"Your table for {party} is held: pay the deposit to confirm it.",
        )
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
    wall = {
        r.id: r.starts_at.astimezone(ZoneInfo(names[r.venue_id].timezone))
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
        wall=wall,
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


@router.post("/my-reservations/{reservation_id}/change")
async def change_mine(
    request: Request, ctx: CtxDep, login: LoginDep, reservation_id: str
) -> Response:
    """Move or resize a reservation within the venue's policy (tables are taken afresh)."""
    form = await read_form(request)
    back = "/my-reservations"
    r = await reservations.for_guest(ctx, reservation_id=reservation_id, user=login.user)
    venue = await ctx.session.get(Venue, r.venue_id)
    if venue is None or r.user_id != login.user.id:
        return redirect(request, back, flash="No such reservation.", kind="error")
    try:
        wall = datetime.fromisoformat(f"{form.get('day', '')}T{form.get('time', '')}")
        party = int(form.get("party_size") or r.party_size)
    except ValueError:
        return redirect(request, back, flash="Pick a date, a time and a party size.", kind="error")
    try:
        await reservations.change(
            ctx,
            venue=venue,
            r=r,
            starts_at=hours.resolve_wall(wall, venue.timezone),
            party_size=party,
            by_guest=True,
        )
    except CadenceError as exc:
        zone = ZoneInfo(venue.timezone)
        free = ", ".join(
            datetime.fromisoformat(a).astimezone(zone).strftime("%H:%M")
            for a in exc.extra.get("alternatives", [])
        )
        text = exc.detail + (f" Free times that day: {free}." if free else "")
        raise WebExit(redirect(request, back, flash=text, kind="error")) from exc
    return redirect(request, back, flash="Your reservation is changed.")


@router.post("/my-reservations/{reservation_id}/pay")
async def pay_mine(request: Request, reservation_id: str) -> Response:
    """To the provider's checkout; no unit of work here, the provider is called between two."""
    await read_form(request)
    token = request.cookies.get(SESSION_COOKIE, "")

    async def authenticate(ctx: Ctx) -> User:
        user, _ = await sessions.user_for_web_token(ctx, token)
        return user

    try:
        started = await holds.start_checkout(
            app_state(request),
            reservation_id=reservation_id,
            authenticate=authenticate,
            request_id=request_id_var.get(),
        )
    except CadenceError as exc:
        return redirect(request, "/my-reservations", flash=exc.detail, kind="error")
    if started.url is None:
        return redirect(request, "/my-reservations", flash="Pay the deposit at the venue.")
    return RedirectResponse(started.url, status_code=303)
