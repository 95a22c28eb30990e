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

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from cadence.accounts import orgs as org_service
from cadence.availability import service
from cadence.calendar.convert import occurrences_of, overrides_of
from cadence.calendar.feeds import events_of_person
from cadence.errors import CadenceError
from cadence.findtime.service import find_time
from cadence.http.deps import CtxDep
from cadence.web.forms import timezones
from cadence.web.session import LoginDep, ViewerAccess, WebRoute, page, read_form, redirect

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


@router.get("/calendar", response_class=HTMLResponse)
async def my_calendar(
    request: Request,
    ctx: CtxDep,
    login: LoginDep,
    view: Annotated[str, Query(pattern="^(week|month)$")] = "week",
    start: date | None = None,
) -> HTMLResponse:
    zone = ZoneInfo(login.user.timezone)
    today = datetime.now(UTC).astimezone(zone).date()
    first = start or today
    if view == "week":
        first -= timedelta(days=first.weekday())
        n_days = 7
    else:
        first = first.replace(day=1)
        n_days = ((first + timedelta(days=32)).replace(day=1) - first).days
    lo = datetime.combine(first, time(0), zone)
    hi = datetime.combine(first + timedelta(days=n_days), time(0), zone)
    events = await events_of_person(ctx, user_id=login.user.id)
    overrides = await overrides_of(ctx, [e.id for e in events])
    by_day: dict[date, list[dict[str, Any]]] = {
        first + timedelta(days=i): [] for i in range(n_days)
    }
    for e in events:
        for o in occurrences_of(e, overrides.get(e.id, []), lo, hi):
            local = o.start.astimezone(zone)
            if local.date() in by_day:
                by_day[local.date()].append(
                    {
                        "name": o.summary or e.name,
                        "start": local,
                        "end": o.end.astimezone(zone),
                        "event": e,
                    }
                )
    for items in by_day.values():
        items.sort(key=lambda i: i["start"])
        for a, b in itertools.pairwise(items):
            if b["start"] < a["end"]:
                a["conflict"] = b["conflict"] = True
    step = timedelta(days=7) if view == "week" else timedelta(days=n_days)
    return await page(
        request,
        ctx,
        "calendar/my.html",
        login=login,
        view=view,
        by_day=by_day,
        prev=(first - (step if view == "week" else timedelta(days=1))).isoformat(),
        next=(first + step).isoformat(),
        zone=login.user.timezone,
    )
