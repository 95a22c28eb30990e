"""HTTP API of accounts: authentication, the caller's profile, organisations and members."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response

from cadence.accounts import orgs as org_service
from cadence.accounts import service as users
from cadence.accounts import sessions
from cadence.accounts.models import Membership, Organisation, User
from cadence.accounts.roles import Role
from cadence.accounts.schemas import (
    InvitationCreate,
    InvitationCreated,
    InvitationOut,
    LoginIn,
    MemberOut,
    MembershipOut,
    MeUpdate,
    OrgCreate,
    OrgOut,
    OrgUpdate,
    PasswordChangeIn,
    PasswordIn,
    PasswordResetConfirmIn,
    PasswordResetRequestIn,
    RecoveryCodesOut,
    RefreshIn,
    RegisterIn,
    RoleChange,
    TokenOut,
    TotpConfirmIn,
    TotpSetupOut,
    UserOut,
)
from cadence.http.deps import (
    AdminDep,
    CtxDep,
    CurrentUser,
    LoginDep,
    StateDep,
    ViewerDep,
    load_org,
)
from cadence.http.schemas import PROBLEM_RESPONSES, Limit, Page

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)


def _tokens(pair: sessions.TokenPair) -> TokenOut:
    return TokenOut(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=pair.expires_in,
    )


def _member(membership: Membership, user: User) -> MemberOut:
    return MemberOut(
        user_id=user.id,
        name=user.name,
        email=user.email,
        role=Role(membership.role),
        joined_at=membership.created_at,
    )


def _membership(m: Membership) -> MembershipOut:
    return MembershipOut(
        org_id=m.org_id, user_id=m.user_id, role=Role(m.role), joined_at=m.created_at
    )


def _org(org: Organisation, role: str | None = None) -> OrgOut:
    return OrgOut(
        id=org.id,
        name=org.name,
        timezone=org.timezone,
        kind=org.kind,
        role=Role(role) if role else None,
    )


@router.post("/auth/register", status_code=201, response_model=UserOut, tags=["auth"])
async def register(body: RegisterIn, ctx: CtxDep) -> User:
    return await users.register(
        ctx, email=body.email, password=body.password, name=body.name, timezone=body.timezone
    )


@router.post("/auth/login", response_model=TokenOut, tags=["auth"])
async def login(
    body: LoginIn,
    ctx: CtxDep,
    state: StateDep,
    user_agent: Annotated[str | None, Header()] = None,
) -> TokenOut:
    user = await sessions.verify_credentials(
        ctx,
        state.limiter,
        email=body.email,
        password=body.password,
        totp_code=body.totp_code,
        recovery_code=body.recovery_code,
    )
    ctx.actor_id = user.id
    return _tokens(await sessions.start_api_session(ctx, user, user_agent=user_agent))


@router.post("/auth/refresh", response_model=TokenOut, tags=["auth"])
async def refresh(body: RefreshIn, ctx: CtxDep) -> TokenOut:
    return _tokens(await sessions.refresh(ctx, refresh_token=body.refresh_token))


@router.post("/auth/logout", status_code=204, tags=["auth"])
async def logout(ctx: CtxDep, login: LoginDep) -> Response:
    await sessions.end_session(ctx, login[1].id)
    return Response(status_code=204)


@router.post("/auth/password-reset", status_code=202, tags=["auth"])
async def request_password_reset(
    body: PasswordResetRequestIn, ctx: CtxDep, state: StateDep, request: Request
) -> dict[str, str]:
    limiter = state.limiter
    await limiter.take(
        limiter.rule("5/60 minutes"),
        f"reset:{users.normalize_email(body.email)}",
        "Too many reset requests for this email; wait before trying again.",
    )
    client = request.client.host if request.client else "unknown"
    await limiter.take(
        limiter.rule("30/60 minutes"),
        f"reset-ip:{client}",
        "Too many reset requests; wait before trying again.",
    )
    await users.request_password_reset(ctx, email=body.email)
    return {"detail": "If an account exists for this email, a reset link is on its way."}


@router.post("/auth/password-reset/confirm", status_code=204, tags=["auth"])
async def confirm_password_reset(body: PasswordResetConfirmIn, ctx: CtxDep) -> Response:
    await users.reset_password(ctx, token=body.token, new_password=body.new_password)
    return Response(status_code=204)


@router.get("/me", response_model=UserOut, tags=["me"])
async def me(user: CurrentUser) -> User:
    return user


@router.patch("/me", response_model=UserOut, tags=["me"])
async def update_me(body: MeUpdate, ctx: CtxDep, user: CurrentUser) -> User:
    return await users.update_profile(ctx, user, name=body.name, timezone=body.timezone)


@router.post("/me/password", status_code=204, tags=["me"])
async def change_password(body: PasswordChangeIn, ctx: CtxDep, login: LoginDep) -> Response:
    user, current = login
    await users.change_password(
        ctx, user, current=body.current_password, new=body.new_password, keep_session=current.id
    )
    return Response(status_code=204)


@router.get("/me/export", tags=["me"])
async def export_me(ctx: CtxDep, user: CurrentUser) -> dict[str, Any]:
    return await users.export_user(ctx, user)


@router.post("/me/delete", status_code=204, tags=["me"])
async def delete_me(body: PasswordIn, ctx: CtxDep, user: CurrentUser) -> Response:
    await users.delete_account(ctx, user, password=body.password)
    return Response(status_code=204)


@router.post("/me/totp", response_model=TotpSetupOut, tags=["me"])
async def begin_totp(ctx: CtxDep, user: CurrentUser) -> TotpSetupOut:
    secret, uri, svg = await users.begin_totp(ctx, user)
    return TotpSetupOut(secret=secret, otpauth_uri=uri, qr_svg=svg)


@router.post("/me/totp/confirm", response_model=RecoveryCodesOut, tags=["me"])
async def confirm_totp(body: TotpConfirmIn, ctx: CtxDep, user: CurrentUser) -> RecoveryCodesOut:
    return RecoveryCodesOut(recovery_codes=await users.confirm_totp(ctx, user, code=body.code))


@router.post("/me/totp/disable", status_code=204, tags=["me"])
async def disable_totp(body: PasswordIn, ctx: CtxDep, user: CurrentUser) -> Response:
    await users.disable_totp(ctx, user, password=body.password)
    return Response(status_code=204)


@router.post("/orgs", status_code=201, response_model=OrgOut, tags=["orgs"])
async def create_org(body: OrgCreate, ctx: CtxDep, user: CurrentUser) -> OrgOut:
    org = await org_service.create_org(
        ctx, user, name=body.name, timezone=body.timezone, kind=body.kind
    )
    return _org(org, Role.owner)


@router.get("/orgs", response_model=Page[OrgOut], tags=["orgs"])
async def list_orgs(ctx: CtxDep, user: CurrentUser) -> Page[OrgOut]:
    return Page(items=[_org(o, r) for o, r in await org_service.orgs_of(ctx, user.id)])


@router.get("/orgs/{org_id}", response_model=OrgOut, tags=["orgs"])
async def get_org(ctx: CtxDep, membership: ViewerDep) -> OrgOut:
    return _org(await load_org(ctx, membership), membership.role)


@router.patch("/orgs/{org_id}", response_model=OrgOut, tags=["orgs"])
async def update_org(body: OrgUpdate, ctx: CtxDep, membership: AdminDep) -> OrgOut:
    org = await org_service.update_org(
        ctx, await load_org(ctx, membership), name=body.name, timezone=body.timezone
    )
    return _org(org, membership.role)


@router.get("/orgs/{org_id}/members", response_model=Page[MemberOut], tags=["orgs"])
async def list_members(
    ctx: CtxDep,
    membership: ViewerDep,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    limit: Limit = 100,
) -> Page[MemberOut]:
    page = await org_service.members(ctx, org_id=membership.org_id, cursor=cursor, limit=limit)
    return Page(items=[_member(m, u) for m, u in page.items], next_cursor=page.next_cursor)


@router.patch("/orgs/{org_id}/members/{user_id}", response_model=MemberOut, tags=["orgs"])
async def change_role(
    user_id: str, body: RoleChange, ctx: CtxDep, membership: AdminDep
) -> MemberOut:
    target = await org_service.change_role(ctx, actor=membership, user_id=user_id, role=body.role)
    return _member(target, await users.get_user(ctx, target.user_id))


@router.delete("/orgs/{org_id}/members/{user_id}", status_code=204, tags=["orgs"])
async def remove_member(user_id: str, ctx: CtxDep, membership: ViewerDep) -> Response:
    await org_service.remove_member(ctx, actor=membership, user_id=user_id)
    return Response(status_code=204)


@router.post(
    "/orgs/{org_id}/invitations", status_code=201, response_model=InvitationCreated, tags=["orgs"]
)
async def invite(
    body: InvitationCreate, ctx: CtxDep, membership: AdminDep, user: CurrentUser
) -> InvitationCreated:
    org = await load_org(ctx, membership)
    invitation, token = await org_service.invite(
        ctx, actor=membership, inviter=user, org=org, email=body.email, role=body.role
    )
    return InvitationCreated(
        id=invitation.id,
        email=invitation.email,
        role=Role(invitation.role),
        expires_at=invitation.expires_at,
        created_at=invitation.created_at,
        token=token,
        url=org_service.invitation_link(ctx, token),
    )


@router.get("/orgs/{org_id}/invitations", response_model=Page[InvitationOut], tags=["orgs"])
async def list_invitations(ctx: CtxDep, membership: AdminDep) -> Page[InvitationOut]:
    pending = await org_service.pending_invitations(ctx, org_id=membership.org_id)
    return Page(items=[InvitationOut.model_validate(i) for i in pending])


@router.delete("/orgs/{org_id}/invitations/{invitation_id}", status_code=204, tags=["orgs"])
async def revoke_invitation(invitation_id: str, ctx: CtxDep, membership: AdminDep) -> Response:
    await org_service.revoke_invitation(ctx, org_id=membership.org_id, invitation_id=invitation_id)
    return Response(status_code=204)


@router.post("/invitations/{token}/accept", response_model=MembershipOut, tags=["orgs"])
async def accept_invitation(token: str, ctx: CtxDep, user: CurrentUser) -> MembershipOut:
    return _membership(await org_service.accept(ctx, token=token, user=user))
