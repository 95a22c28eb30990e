"""Web pages of the guest book: search, a guest's profile and history, export and erasure."""

from __future__ import annotations

import json
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from cadence.accounts.roles import Role
from cadence.errors import CadenceError
from cadence.http.deps import CtxDep
from cadence.venues import guestbook, reservations
from cadence.venues import service as venues
from cadence.web.session import OrgAccess, WebExit, WebRoute, org_access, page, read_form, redirect

router = APIRouter(route_class=WebRoute, include_in_schema=False)
MemberAccess = Annotated[OrgAccess, Depends(org_access(Role.member))]
ManagerAccess = Annotated[OrgAccess, Depends(org_access(Role.manager))]


def _base(access: OrgAccess) -> str:
    return f"/orgs/{access.org.id}/venue/guests"


@router.get("/orgs/{org_id}/venue/guests", response_class=HTMLResponse)
async def guests_page(
    request: Request,
    ctx: CtxDep,
    access: MemberAccess,
    q: Annotated[str | None, Query(max_length=200)] = None,
    tag: Annotated[str | None, Query(max_length=60)] = None,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    found = await guestbook.search(ctx, org_id=access.org.id, q=q, tag=tag, cursor=cursor, limit=50)
    return await page(
        request,
        ctx,
        "venues/guests.html",
        login=access.login,
        org=access.org,
        guests=found.items,
        next_cursor=found.next_cursor,
        total=found.total,
        q=q or "",
        tag=tag or "",
    )


@router.post("/orgs/{org_id}/venue/guests")
async def add_guest(request: Request, ctx: CtxDep, access: MemberAccess) -> Response:
    form = await read_form(request)
    name = form.get("name", "")[:200]
    if not name:
        return redirect(request, _base(access), flash="Give the guest a name.", kind="error")
    try:
        g = await guestbook.create(ctx, org_id=access.org.id, fields=_fields(form, name))
    except CadenceError as exc:
        raise WebExit(redirect(request, _base(access), flash=exc.detail, kind="error")) from exc
    return redirect(request, f"{_base(access)}/{g.id}", flash=f"{name} added to the guest book.")


def _fields(form: dict[str, str], name: str) -> dict[str, Any]:
    return {
        "name": name,
        "email": form.get("email") or None,
        "phone": (form.get("phone") or None) and form["phone"][:40],
        "notes": (form.get("notes") or None) and form["notes"][:5000],
        "preferences": (form.get("preferences") or None) and form["preferences"][:2000],
        "tags": [t for t in form.get("tags", "").split(",") if t.strip()],
        "marketing_consent": form.get("marketing_consent") == "on",
    }


@router.get("/orgs/{org_id}/venue/guests/{guest_id}", response_class=HTMLResponse)
async def guest_page(
    request: Request, ctx: CtxDep, access: MemberAccess, guest_id: str
) -> HTMLResponse:
    g = await guestbook.get(ctx, org_id=access.org.id, guest_id=guest_id)
    venue = await venues.find_venue(ctx, access.org.id)
    rows = await guestbook.history(ctx, profile=g)
    return await page(
        request,
        ctx,
        "venues/guest.html",
        login=access.login,
        org=access.org,
        guest=g,
        history=rows,
        assigned=await reservations.tables_of(ctx, [r.id for r in rows]),
        zone=ZoneInfo(venue.timezone if venue else access.org.timezone),
        can_manage=access.role.at_least(Role.manager),
    )


@router.post("/orgs/{org_id}/venue/guests/{guest_id}")
async def save_guest(
    request: Request, ctx: CtxDep, access: MemberAccess, guest_id: str
) -> Response:
    form = await read_form(request)
    g = await guestbook.get(ctx, org_id=access.org.id, guest_id=guest_id)
    back = f"{_base(access)}/{g.id}"
    try:
        await guestbook.update_profile(
            ctx, profile=g, fields=_fields(form, form.get("name", "")[:200] or g.name)
        )
    except CadenceError as exc:
        raise WebExit(redirect(request, back, flash=exc.detail, kind="error")) from exc
    return redirect(request, back, flash="Guest saved.")


@router.get("/orgs/{org_id}/venue/guests/{guest_id}/export.json")
async def export_guest(
    request: Request, ctx: CtxDep, access: ManagerAccess, guest_id: str
) -> Response:
    g = await guestbook.get(ctx, org_id=access.org.id, guest_id=guest_id)
    data = await guestbook.export_profile(ctx, profile=g)
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="guest-{g.id}.json"'},
    )


@router.post("/orgs/{org_id}/venue/guests/{guest_id}/erase")
async def erase_guest(
    request: Request, ctx: CtxDep, access: ManagerAccess, guest_id: str
) -> Response:
    form = await read_form(request)
    g = await guestbook.get(ctx, org_id=access.org.id, guest_id=guest_id)
    if form.get("confirm") != "erase":
        return redirect(
            request, f"{_base(access)}/{g.id}", flash="Type erase to confirm.", kind="error"
        )
    await guestbook.erase(ctx, profile=g)
    return redirect(request, _base(access), flash="The guest's data is erased.")
