"""The guest book over HTTP: staff at `/orgs/{org_id}/venue/guests`, guests at `/me/...`.

Members read and annotate profiles (they take the phone calls); exporting or erasing a
guest's data on request is for managers. A profile of another organisation answers 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from sqlalchemy import select

from cadence.context import Ctx
from cadence.errors import NotFound
from cadence.http.deps import CtxDep, CurrentUser, ManagerDep, MemberDep
from cadence.http.schemas import PROBLEM_RESPONSES, Limit, Page
from cadence.venues import guestbook
from cadence.venues.models import Venue, VenueGuest
from cadence.venues.present import present
from cadence.venues.schemas import (
    ConsentIn,
    GuestDetailOut,
    GuestIn,
    GuestOut,
    GuestPage,
    GuestUpdate,
    MyProfileOut,
    StaffReservationOut,
)

router = APIRouter(prefix="/api/v1", tags=["venues"], responses=PROBLEM_RESPONSES)
Id = Annotated[str, Path(max_length=64)]
Cursor = Annotated[str | None, Query(max_length=64)]
BASE = "/orgs/{org_id}/venue/guests"


def guest_out(g: VenueGuest) -> GuestOut:
    return GuestOut(
        id=g.id,
        name=g.name,
        email=g.email,
        phone=g.phone,
        notes=g.notes,
        preferences=g.preferences,
        tags=list(g.tags or []),
        visit_count=g.visit_count,
        no_show_count=g.no_show_count,
        cancel_count=g.cancel_count,
        last_visit_at=g.last_visit_at,
        marketing_consent=g.marketing_consent,
        marketing_consent_at=g.marketing_consent_at,
        has_account=g.user_id is not None,
    )


async def detail(ctx: Ctx, g: VenueGuest) -> GuestDetailOut:
    rows = await guestbook.history(ctx, profile=g)
    items = [i for i in await present(ctx, rows, staff=True) if isinstance(i, StaffReservationOut)]
    return GuestDetailOut(**guest_out(g).model_dump(), history=items)


async def _member_guest(ctx: CtxDep, membership: MemberDep, guest_id: Id) -> VenueGuest:
    return await guestbook.get(ctx, org_id=membership.org_id, guest_id=guest_id)


async def _manager_guest(ctx: CtxDep, membership: ManagerDep, guest_id: Id) -> VenueGuest:
    return await guestbook.get(ctx, org_id=membership.org_id, guest_id=guest_id)


MemberGuest = Annotated[VenueGuest, Depends(_member_guest)]
ManagerGuest = Annotated[VenueGuest, Depends(_manager_guest)]


@router.get(BASE, response_model=GuestPage)
async def list_guests(
    ctx: CtxDep,
    membership: MemberDep,
    q: Annotated[str | None, Query(max_length=200, description="name, email, phone")] = None,
    tag: Annotated[str | None, Query(max_length=60, description="guests with this tag")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> GuestPage:
    found = await guestbook.search(
        ctx, org_id=membership.org_id, q=q, tag=tag, cursor=cursor, limit=limit
    )
    return GuestPage(
        items=[guest_out(g) for g in found.items], next_cursor=found.next_cursor, total=found.total
    )


@router.post(BASE, status_code=201, response_model=GuestOut)
async def create_guest(body: GuestIn, ctx: CtxDep, membership: MemberDep) -> GuestOut:
    g = await guestbook.create(ctx, org_id=membership.org_id, fields=body.model_dump())
    return guest_out(g)


@router.get(BASE + "/{guest_id}", response_model=GuestDetailOut)
async def get_guest(ctx: CtxDep, g: MemberGuest) -> GuestDetailOut:
    return await detail(ctx, g)


@router.patch(BASE + "/{guest_id}", response_model=GuestDetailOut)
async def update_guest(body: GuestUpdate, ctx: CtxDep, g: MemberGuest) -> GuestDetailOut:
    fields = body.model_dump(exclude_unset=True)
    if fields.get("name") is None:
        fields.pop("name", None)
    await guestbook.update_profile(ctx, profile=g, fields=fields)
    return await detail(ctx, g)


@router.get(BASE + "/{guest_id}/export")
async def export_guest(ctx: CtxDep, g: ManagerGuest) -> dict[str, Any]:
    """Everything the venue holds about this guest, to hand over on request."""
    return await guestbook.export_profile(ctx, profile=g)


@router.delete(BASE + "/{guest_id}", status_code=204)
async def erase_guest(ctx: CtxDep, g: ManagerGuest) -> Response:
    """Erase on request: the profile goes; its reservations stay, without the person."""
    await guestbook.erase(ctx, profile=g)
    return Response(status_code=204)


# --- the guest's own ------------------------------------------------------------------------


async def _mine(ctx: CtxDep, user: CurrentUser, guest_id: Id) -> VenueGuest:
    """A profile of the caller (by account or email); anyone else's answers 404."""
    g = await ctx.session.get(VenueGuest, guest_id)
    if g is None or not (
        g.user_id == user.id or g.email_normalized == guestbook.normal_email(user.email)
    ):
        raise NotFound("No such profile.")
    return g


MyProfile = Annotated[VenueGuest, Depends(_mine)]


async def _my_outs(ctx: Ctx, guests: list[VenueGuest]) -> list[MyProfileOut]:
    """The caller's profiles with their venues' names, read in one query."""
    org_ids = {g.org_id for g in guests}
    rows = await ctx.session.execute(
        select(Venue.org_id, Venue.name).where(Venue.org_id.in_(org_ids))
    )
    names = {org_id: name for org_id, name in rows}
    return [
        MyProfileOut(
            id=g.id,
            venue_name=names.get(g.org_id),
            name=g.name,
            preferences=g.preferences,
            marketing_consent=g.marketing_consent,
        )
        for g in guests
    ]


@router.get("/me/venue-profiles", response_model=Page[MyProfileOut])
async def my_profiles(ctx: CtxDep, user: CurrentUser) -> Page[MyProfileOut]:
    """The venues that keep a profile of the caller, and what the caller agreed to."""
    return Page(items=await _my_outs(ctx, list(await guestbook.profiles_of_user(ctx, user))))


@router.put("/me/venue-profiles/{guest_id}/consent", response_model=MyProfileOut)
async def set_my_consent(body: ConsentIn, ctx: CtxDep, g: MyProfile) -> MyProfileOut:
    await guestbook.update_profile(
        ctx, profile=g, fields={"marketing_consent": body.marketing_consent}
    )
    return (await _my_outs(ctx, [g]))[0]
