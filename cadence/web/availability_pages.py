"""Web pages of availability, find-a-time and "My calendar" (Jinja2 + a small JS module).

The availability grid is painted by `static/availability-grid.js` (mouse or finger, drag to
paint, a second mode for "if need be"); the page posts the painted ranges as JSON in a
hidden field, and the same service as `PUT /api/v1/me/availability` stores them.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from cadence.accounts import orgs as org_service
from cadence.accounts.models import Organisation
from cadence.accounts.roles import Role
from cadence.availability import service
from cadence.calendar import publish
from cadence.calendar.busy import import_busy_of
from cadence.calendar.convert import occurrences_of, overrides_of
from cadence.calendar.feeds import events_of_person
from cadence.context import Ctx
from cadence.errors import CadenceError
from cadence.findtime.service import find_time
from cadence.http.deps import CtxDep
from cadence.time.intervals import Interval, IntervalSet
from cadence.time.layers import build_timeline
from cadence.web.forms import timezones
from cadence.web.session import (
    LoginDep,
    OrgAccess,
    ViewerAccess,
    WebRoute,
    org_access,
    page,
    read_form,
    redirect,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/availability", response_class=HTMLResponse)
async def availability_page(request: Request, ctx: CtxDep, login: LoginDep) -> HTMLResponse:
    row = await service.get_pattern(ctx, user_id=login.user.id)
    exceptions = await service.list_exceptions(ctx, user_id=login.user.id, until_after=ctx.now())
    return await page(
        request,
        ctx,
        "availability/edit.html",
        login=login,
        timezone=row.timezone if row else login.user.timezone,
        weekly_json=json.dumps(row.weekly if row else []),
        exceptions=exceptions,
        timezones=timezones(),
    )


@router.post("/availability")
async def save_availability(request: Request, ctx: CtxDep, login: LoginDep) -> Response:
    form = await read_form(request)
    try:
        ranges = json.loads(form.get("weekly", "[]"))
        weekly = [
            service.RangeIn(
                int(r["weekday"]), str(r["start"]), str(r["end"]), str(r.get("level", "available"))
            )
            for r in ranges
        ]
    except (ValueError, KeyError, TypeError):
        return redirect(request, "/availability", flash="The grid could not be read.", kind="error")
    try:
        await service.set_pattern(
            ctx, user_id=login.user.id, timezone=form.get("timezone", "UTC"), weekly=weekly
        )
    except CadenceError as exc:
        return redirect(request, "/availability", flash=exc.detail, kind="error")
    return redirect(request, "/availability", flash="Availability saved.")


@router.post("/availability/exceptions")
async def add_exception(request: Request, ctx: CtxDep, login: LoginDep) -> Response:
    form = await read_form(request)
    try:
        zone = ZoneInfo(login.user.timezone)
        start = datetime.fromisoformat(form["starts_at"]).replace(tzinfo=zone)
        end = datetime.fromisoformat(form["ends_at"]).replace(tzinfo=zone)
        await service.add_exception(
            ctx,
            user_id=login.user.id,
            starts_at=start,
            ends_at=end,
            level=form.get("level", "unavailable"),
        )
    except (ValueError, KeyError):
        return redirect(request, "/availability", flash="Give a start and an end.", kind="error")
    except CadenceError as exc:
        return redirect(request, "/availability", flash=exc.detail, kind="error")
    return redirect(request, "/availability", flash="Exception added.")


@router.get("/orgs/{org_id}/find-a-time", response_class=HTMLResponse)
async def find_time_page(
    request: Request,
    ctx: CtxDep,
    access: ViewerAccess,
    duration: Annotated[int, Query(ge=15, le=720)] = 60,
    days: Annotated[int, Query(ge=1, le=28)] = 7,
) -> HTMLResponse:
    """Ranked slots for all members over the next days, as a heat map with explanations."""
    zone = ZoneInfo(access.org.timezone)
    today = datetime.now(UTC).astimezone(zone).date()
    start = datetime.combine(today, time(0), zone)
    end = datetime.combine(today + timedelta(days=days), time(0), zone)
    members = await org_service.members(ctx, org_id=access.org.id, cursor=None, limit=200)
    names = {u.id: u.name for _, u in members.items}
    slots = await find_time(
        ctx,
        org_id=access.org.id,
        required=[],
        optional=list(names),
        min_attendees=1,
        duration=timedelta(minutes=duration),
        window_start=start,
        window_end=end,
        granularity=timedelta(minutes=30),
        limit=100,
    )
    heat: dict[tuple[date, int], int] = {}
    for s in slots:
        local = s.starts_at.astimezone(zone)
        key = (local.date(), local.hour)
        heat[key] = max(heat.get(key, 0), len(s.available))
    day_list = [today + timedelta(days=i) for i in range(days)]
    return await page(
        request,
        ctx,
        "availability/findtime.html",
        login=access.login,
        org=access.org,
        slots=slots[:20],
        names=names,
        zone=zone,
        heat=heat,
        days=day_list,
        hours=list(range(24)),
        total=max(len(names), 1),
        duration=duration,
    )


def _minute_of_day(at: datetime, day: date) -> int:
    """Wall-clock minute of ``at`` within local ``day`` (0..1440; later days clip to 1440)."""
    if at.date() > day:
        return 1440
    if at.date() < day:
        return 0
    return at.hour * 60 + at.minute


def _day_blocks(spans: IntervalSet, zone: ZoneInfo) -> dict[date, list[tuple[int, int]]]:
    out: dict[date, list[tuple[int, int]]] = {}
    for day, part in spans.by_day(zone):
        out[day] = [
            (_minute_of_day(a, day), _minute_of_day(b, day))
            for a, b in ((iv.start.astimezone(zone), iv.end.astimezone(zone)) for iv in part)
        ]
    return out


@router.get("/calendar", response_class=HTMLResponse)
async def my_calendar(
    request: Request,
    ctx: CtxDep,
    login: LoginDep,
    view: Annotated[str, Query(pattern="^(week|month)$")] = "week",
    start: date | None = None,
) -> HTMLResponse:
    """The person's events from all their organisations over a week or a month, in their
    zone, with their availability shaded behind (available / if need be), imported busy
    time, and conflicts marked (events that overlap each other or imported busy time, and
    events outside their availability)."""
    uid = login.user.id
    zone = ZoneInfo(login.user.timezone)
    today = ctx.now().astimezone(zone).date()
    first = start or today
    if view == "week":
        first -= timedelta(days=first.weekday())
        n_days = 7
    else:
        first = first.replace(day=1)
        n_days = ((first + timedelta(days=32)).replace(day=1) - first).days
    lo = datetime.combine(first, time(0), zone)
    hi = datetime.combine(first + timedelta(days=n_days), time(0), zone)
    window = Interval.of(lo, hi)
    events = await events_of_person(ctx, user_id=uid)
    overrides = await overrides_of(ctx, [e.id for e in events])
    org_names = await _org_names(ctx, {e.org_id for e in events})
    layers = await service.availability_of(ctx, [uid], window_start=lo, window_end=hi)
    timeline = build_timeline(layers[uid], window)
    imported = (await import_busy_of(ctx, [uid], lo, hi)).get(uid, [])

    items: list[dict[str, Any]] = []
    for e in events:
        for o in occurrences_of(e, overrides.get(e.id, []), lo, hi):
            items.append(
                {
                    "name": o.summary or e.name,
                    "org": org_names.get(e.org_id, ""),
                    "start": o.start.astimezone(zone),
                    "end": o.end.astimezone(zone),
                    "cancelled": e.status == "cancelled",
                    "conflicts": [],
                }
            )
    items.sort(key=lambda i: (i["start"], i["end"]))
    live = [i for i in items if not i["cancelled"]]
    for a, b in itertools.combinations(live, 2):
        if b["start"] < a["end"] and a["start"] < b["end"]:
            a["conflicts"].append(f"overlaps {b['name']}")
            b["conflicts"].append(f"overlaps {a['name']}")
    for i in live:
        for busy in imported:
            if busy.start < i["end"] and i["start"] < busy.end:
                i["conflicts"].append(f"busy: {busy.title or 'imported calendar'}")
        if i["end"] > i["start"] and not timeline.free.covers(Interval.of(i["start"], i["end"])):
            i["conflicts"].append("outside your availability")

    days = [first + timedelta(days=k) for k in range(n_days)]
    by_day: dict[date, list[dict[str, Any]]] = {d: [] for d in days}
    for i in items:
        d, last = i["start"].date(), max(i["start"], i["end"] - timedelta(minutes=1)).date()
        while d <= last:  # an event past midnight shows on each day it touches
            if d in by_day:
                top, bottom = _minute_of_day(i["start"], d), _minute_of_day(i["end"], d)
                by_day[d].append(i | {"top": top, "bottom": bottom})
            d += timedelta(days=1)
    available = _day_blocks(timeline.available, zone)
    if_need_be = _day_blocks(timeline.if_need_be, zone)
    busy_blocks = _day_blocks(
        IntervalSet.from_pairs((b.start, b.end) for b in imported).clip(window), zone
    )
    shading = {
        d: [(s, e, "available") for s, e in available.get(d, [])]
        + [(s, e, "if_need_be") for s, e in if_need_be.get(d, [])]
        + [(s, e, "busy") for s, e in busy_blocks.get(d, [])]
        for d in days
    }
    # The week view shows 08:00-20:00, widened to whatever the week holds.
    edges = [m for d in days for s, e, _ in shading[d] for m in (s, e)]
    edges += [m for d in days for i in by_day[d] for m in (i["top"], i["bottom"])]
    first_hour = min([8, *(m // 60 for m in edges)])
    last_hour = max([20, *(-(-m // 60) for m in edges)])
    step = timedelta(days=7) if view == "week" else timedelta(days=n_days)
    return await page(
        request,
        ctx,
        "calendar/my.html",
        login=login,
        view=view,
        days=days,
        today=today,
        by_day=by_day,
        shading=shading,
        first_minute=first_hour * 60,
        last_minute=last_hour * 60,
        hours=list(range(first_hour, last_hour)),
        title=_title(view, first, days[-1]),
        prev=(first - (step if view == "week" else timedelta(days=1))).isoformat(),
        next=(first + step).isoformat(),
        zone=login.user.timezone,
        has_pattern=bool(timeline.free),
    )


def _title(view: str, first: date, last: date) -> str:
    if view == "month":
        return first.strftime("%B %Y")
    return f"{first.strftime('%d %b')} to {last.strftime('%d %b %Y')}"


async def _org_names(ctx: Ctx, org_ids: set[str]) -> dict[str, str]:
    if not org_ids:
        return {}
    rows = await ctx.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(list(org_ids)))
    )
    return {oid: name for oid, name in rows}


ManagerAccess = Annotated[OrgAccess, Depends(org_access(Role.manager))]


@router.get("/orgs/{org_id}/calendar-publishing", response_class=HTMLResponse)
async def publishing_page(request: Request, ctx: CtxDep, access: ManagerAccess) -> HTMLResponse:
    """The organisation's CalDAV targets with the outcome of their last publish."""
    targets = await publish.list_targets(ctx, org_id=access.org.id)
    return await page(
        request,
        ctx,
        "calendar/publishing.html",
        login=access.login,
        org=access.org,
        targets=targets,
    )


@router.post("/orgs/{org_id}/calendar-publishing")
async def add_target(request: Request, ctx: CtxDep, access: ManagerAccess) -> Response:
    form = await read_form(request)
    back = f"/orgs/{access.org.id}/calendar-publishing"
    try:
        await publish.create_target(
            ctx,
            org_id=access.org.id,
            url=form.get("url", "").strip(),
            username=form.get("username") or None,
            password=form.get("password") or None,
        )
    except CadenceError as exc:
        return redirect(request, back, flash=exc.detail, kind="error")
    return redirect(request, back, flash="Saved; the calendar is being published.")


@router.post("/orgs/{org_id}/calendar-publishing/{target_id}/{action}")
async def target_action(
    request: Request,
    ctx: CtxDep,
    access: ManagerAccess,
    target_id: Annotated[str, Path(max_length=64)],
    action: Annotated[str, Path(pattern="^(publish|delete)$")],
) -> Response:
    await read_form(request)  # checks the CSRF token
    back = f"/orgs/{access.org.id}/calendar-publishing"
    if action == "publish":
        await publish.request_publish(ctx, org_id=access.org.id, target_id=target_id)
        return redirect(request, back, flash="Publishing again.")
    await publish.delete_target(ctx, org_id=access.org.id, target_id=target_id)
    return redirect(request, back, flash="Target removed.")
