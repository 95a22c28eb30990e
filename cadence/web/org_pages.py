"""Organisation pages: create, overview, members and invitations, audit log, accepting."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from cadence.accounts import orgs as org_service
from cadence.accounts import service as users
from cadence.accounts.models import Organisation, User
from cadence.accounts.roles import Role
from cadence.audit import service as audit
from cadence.context import Ctx
from cadence.errors import AlreadyExists, CadenceError, Gone, PermissionDenied
from cadence.http.deps import CtxDep
from cadence.web.forms import InviteForm, OrgForm, RoleForm, parse, timezones
from cadence.web.session import (
    AdminAccess,
    LoginDep,
    MaybeLoginDep,
    OrgAccess,
    ViewerAccess,
    WebExit,
    WebRoute,
    fragment,
    login_url,
    page,
    read_form,
    redirect,
    reject,
)

router = APIRouter(route_class=WebRoute)

Token = Annotated[str, Path(max_length=200)]
UserId = Annotated[str, Path(max_length=64)]
MEMBER_PAGE = 200


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


@router.get("/orgs/new", response_class=HTMLResponse)
async def new_org_form(request: Request, ctx: CtxDep, login: LoginDep) -> Response:
    return await page(
        request,
        ctx,
        "org_new.html",
        login=login,
        values={"timezone": login.user.timezone},
        errors={},
        timezones=timezones(),
    )


@router.post("/orgs/new", response_class=HTMLResponse)
async def create_org(request: Request, ctx: CtxDep, login: LoginDep) -> Response:
    data = await read_form(request)
    form, errors = parse(OrgForm, data)
    if form is not None:
        try:
            org = await org_service.create_org(
                ctx, login.user, name=form.name, timezone=form.timezone
            )
        except CadenceError as exc:
            errors = {str(exc.extra.get("field", "form")): exc.detail}
        else:
            return redirect(request, f"/orgs/{org.id}", flash=f"{org.name} has been created.")
    raise await reject(
        request,
        ctx,
        "org_new.html",
        login=login,
        status=422,
        values=data,
        errors=errors,
        timezones=timezones(),
    )


@router.get("/orgs/switch")
async def switch_org(org: Annotated[str, Query(max_length=64)] = "") -> Response:
    """The organisation switcher is a GET form: it works without JavaScript."""
    return RedirectResponse(f"/orgs/{org}" if org.isalnum() else "/", status_code=303)


@router.get("/orgs/{org_id}", response_class=HTMLResponse)
async def overview(request: Request, ctx: CtxDep, access: ViewerAccess) -> Response:
    page_of_members = await org_service.members(
        ctx, org_id=access.org.id, cursor=None, limit=MEMBER_PAGE
    )
    return await page(
        request,
        ctx,
        "org.html",
        login=access.login,
        org=access.org,
        access=access,
        member_count=len(page_of_members.items),
    )


async def _members_context(ctx: Ctx, access: OrgAccess, cursor: str | None) -> dict[str, Any]:
    listing = await org_service.members(ctx, org_id=access.org.id, cursor=cursor, limit=MEMBER_PAGE)
    pending = (
        await org_service.pending_invitations(ctx, org_id=access.org.id) if access.is_admin else []
    )
    return {
        "org": access.org,
        "access": access,
        "members": listing.items,
        "next_cursor": listing.next_cursor,
        "pending": pending,
        "roles": _grantable(access.role),
        "all_roles": list(Role),
    }


def _grantable(role: Role) -> list[Role]:
    return [r for r in Role if r is not Role.owner or role is Role.owner]


async def _members_page(
    request: Request, ctx: CtxDep, access: OrgAccess, *, status: int = 200, **extra: Any
) -> Response:
    context = await _members_context(ctx, access, None)
    extra.setdefault("invite_values", {"role": Role.member.value})
    extra.setdefault("invite_errors", {})
    return await page(
        request, ctx, "members.html", login=access.login, status=status, **context, **extra
    )


@router.get("/orgs/{org_id}/members", response_class=HTMLResponse)
async def members(
    request: Request,
    ctx: CtxDep,
    access: ViewerAccess,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    context = await _members_context(ctx, access, cursor)
    return await page(
        request,
        ctx,
        "members.html",
        login=access.login,
        **context,
        invite_values={"role": Role.member.value},
        invite_errors={},
    )


@router.post("/orgs/{org_id}/invitations", response_class=HTMLResponse)
async def invite(request: Request, ctx: CtxDep, access: AdminAccess) -> Response:
    data = await read_form(request)
    form, errors = parse(InviteForm, data)
    status = 422
    if form is not None:
        try:
            invitation, token = await org_service.invite(
                ctx,
                actor=access.membership,
                inviter=access.login.user,
                org=access.org,
                email=form.email,
                role=form.role,
            )
        except CadenceError as exc:
            status, errors = exc.status, {"email": exc.detail}
        else:
            link = org_service.invitation_link(ctx, token)
            return await _members_page(
                request,
                ctx,
                access,
                invited={"email": invitation.email, "role": invitation.role, "link": link},
            )
    context = await _members_context(ctx, access, None)
    raise await reject(
        request,
        ctx,
        "members.html",
        login=access.login,
        status=status,
        **context,
        invite_values=data,
        invite_errors=errors,
    )


@router.post("/orgs/{org_id}/invitations/{invitation_id}/revoke")
async def revoke_invitation(
    request: Request, ctx: CtxDep, access: AdminAccess, invitation_id: UserId
) -> Response:
    await read_form(request)
    await org_service.revoke_invitation(ctx, org_id=access.org.id, invitation_id=invitation_id)
    return redirect(request, f"/orgs/{access.org.id}/members", flash="The invitation is revoked.")


@router.post("/orgs/{org_id}/members/{user_id}/role", response_class=HTMLResponse)
async def change_role(
    request: Request, ctx: CtxDep, access: AdminAccess, user_id: UserId
) -> Response:
    data = await read_form(request)
    form, errors = parse(RoleForm, data)
    status = 422
    target_user = await users.get_user(ctx, user_id)
    if form is not None:
        try:
            membership = await org_service.change_role(
                ctx, actor=access.membership, user_id=user_id, role=form.role
            )
        except CadenceError as exc:
            status, errors = exc.status, {"role": exc.detail}
        else:
            message = f"{target_user.name} is now {membership.role}."
            if _is_htmx(request):
                return fragment(
                    request,
                    "_member_row.html",
                    org=access.org,
                    access=access,
                    membership=membership,
                    member=target_user,
                    roles=_grantable(access.role),
                    notice=message,
                )
            return redirect(request, f"/orgs/{access.org.id}/members", flash=message)
    if _is_htmx(request):
        current = await org_service.membership_of(ctx, org_id=access.org.id, user_id=user_id)
        raise WebExit(
            fragment(
                request,
                "_member_row.html",
                status=status,
                org=access.org,
                access=access,
                membership=current,
                member=target_user,
                roles=_grantable(access.role),
                error=errors.get("role", "Choose one of the roles."),
            )
        )
    context = await _members_context(ctx, access, None)
    raise await reject(
        request,
        ctx,
        "members.html",
        login=access.login,
        status=status,
        **context,
        invite_values={"role": Role.member.value},
        invite_errors={},
        page_error=errors.get("role", "Choose one of the roles."),
    )


@router.post("/orgs/{org_id}/members/{user_id}/remove")
async def remove_member(
    request: Request, ctx: CtxDep, access: ViewerAccess, user_id: UserId
) -> Response:
    await read_form(request)
    await org_service.remove_member(ctx, actor=access.membership, user_id=user_id)
    if user_id == access.login.user.id:
        return redirect(request, "/", flash=f"You have left {access.org.name}.")
    return redirect(request, f"/orgs/{access.org.id}/members", flash="The member was removed.")


@router.get("/orgs/{org_id}/audit", response_class=HTMLResponse)
async def audit_log(
    request: Request,
    ctx: CtxDep,
    access: AdminAccess,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    entries = await audit.list_for_org(ctx, org_id=access.org.id, cursor=cursor, limit=50)
    actor_ids = {e.actor_id for e in entries.items if e.actor_id}
    actors = (
        {
            u.id: u.name
            for u in await ctx.session.scalars(select(User).where(User.id.in_(actor_ids)))
        }
        if actor_ids
        else {}
    )
    return await page(
        request,
        ctx,
        "audit.html",
        login=access.login,
        org=access.org,
        access=access,
        entries=entries.items,
        next_cursor=entries.next_cursor,
        actors=actors,
    )


@router.get("/invitations/{token}", response_class=HTMLResponse)
async def invitation(request: Request, ctx: CtxDep, login: MaybeLoginDep, token: Token) -> Response:
    if login is None:
        return RedirectResponse(login_url(f"/invitations/{token}"), status_code=303)
    found = await org_service.invitation_by_token(ctx, token)
    org = await ctx.session.get(Organisation, found.org_id)
    problem: CadenceError | None = None
    if found.email_normalized != login.user.email_normalized:
        problem = PermissionDenied(
            f"This invitation was sent to {found.email}, but you are logged in as "
            f"{login.user.email}. Log out and log in as {found.email} to accept it."
        )
    elif found.accepted_at is not None:
        problem = Gone("This invitation has already been used.")
    elif found.expires_at <= ctx.now():
        problem = Gone("This invitation has expired; ask for a new one.")
    elif await org_service.membership_of(ctx, org_id=found.org_id, user_id=login.user.id):
        problem = AlreadyExists("You are already a member of this organisation.")
    return await page(
        request,
        ctx,
        "invitation.html",
        login=login,
        invitation=found,
        org=org,
        token=token,
        problem=problem.detail if problem else None,
        status=problem.status if problem else 200,
    )


@router.post("/invitations/{token}", response_class=HTMLResponse)
async def accept_invitation(
    request: Request, ctx: CtxDep, login: LoginDep, token: Token
) -> Response:
    await read_form(request)
    membership = await org_service.accept(ctx, token=token, user=login.user)
    org = await ctx.session.get(Organisation, membership.org_id)
    name = org.name if org else "the organisation"
    return redirect(
        request, f"/orgs/{membership.org_id}", flash=f"You joined {name} as {membership.role}."
    )
