"""Organisations, memberships and invitations."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from cadence.accounts.models import Invitation, Membership, Organisation, User
from cadence.accounts.roles import Role
from cadence.accounts.security import hash_token, random_token
from cadence.accounts.service import ensure_timezone, normalize_email
from cadence.audit import service as audit
from cadence.context import Ctx
from cadence.errors import AlreadyExists, Conflict, Gone, NotFound, PermissionDenied
from cadence.notify.outbox import queue_email
from cadence.pagination import Page, paginate


async def create_org(
    ctx: Ctx, owner: User, *, name: str, timezone: str, kind: str = "general"
) -> Organisation:
    org = Organisation(
        name=name, timezone=ensure_timezone(timezone), kind=kind, created_at=ctx.now()
    )
    ctx.session.add(org)
    await ctx.session.flush()
    ctx.session.add(
        Membership(org_id=org.id, user_id=owner.id, role=Role.owner, created_at=ctx.now())
    )
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=org.id,
        action="org.create",
        target_type="organisation",
        target_id=org.id,
        after={"name": name, "timezone": timezone, "kind": kind},
    )
    return org


async def update_org(
    ctx: Ctx, org: Organisation, *, name: str | None, timezone: str | None
) -> Organisation:
    before = {"name": org.name, "timezone": org.timezone}
    if name is not None:
        org.name = name
    if timezone is not None:
        org.timezone = ensure_timezone(timezone)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=org.id,
        action="org.update",
        target_type="organisation",
        target_id=org.id,
        before=before,
        after={"name": org.name, "timezone": org.timezone},
    )
    return org


async def orgs_of(ctx: Ctx, user_id: str) -> list[tuple[Organisation, str]]:
    rows = await ctx.session.execute(
        select(Organisation, Membership.role)
        .join(Membership, Membership.org_id == Organisation.id)
        .where(Membership.user_id == user_id)
        .order_by(Organisation.name, Organisation.id)
    )
    return [(org, role) for org, role in rows]


async def membership_of(ctx: Ctx, *, org_id: str, user_id: str) -> Membership | None:
    query = select(Membership).where(Membership.org_id == org_id, Membership.user_id == user_id)
    return (await ctx.session.scalars(query)).first()


async def members(
    ctx: Ctx, *, org_id: str, cursor: str | None, limit: int
) -> Page[tuple[Membership, User]]:
    ids = await paginate(
        ctx.session,
        select(Membership).where(Membership.org_id == org_id),
        Membership.id,
        cursor=cursor,
        limit=limit,
    )
    users = {
        u.id: u
        for u in await ctx.session.scalars(
            select(User).where(User.id.in_([m.user_id for m in ids.items]))
        )
    }
    return Page([(m, users[m.user_id]) for m in ids.items], ids.next_cursor)


async def _count_owners(ctx: Ctx, org_id: str) -> int:
    query = select(func.count()).where(Membership.org_id == org_id, Membership.role == Role.owner)
    return int(await ctx.session.scalar(query) or 0)


def _ensure_can_grant(actor_role: Role, role: Role) -> None:
    if role is Role.owner and actor_role is not Role.owner:
        raise PermissionDenied("Only an owner can make someone an owner.")


async def change_role(ctx: Ctx, *, actor: Membership, user_id: str, role: Role) -> Membership:
    target = await membership_of(ctx, org_id=actor.org_id, user_id=user_id)
    if target is None:
        raise NotFound("This person is not a member of the organisation.")
    actor_role = Role(actor.role)
    _ensure_can_grant(actor_role, role)
    if Role(target.role) is Role.owner and actor_role is not Role.owner:
        raise PermissionDenied("Only an owner can change another owner's role.")
    demoting_owner = Role(target.role) is Role.owner and role is not Role.owner
    if demoting_owner and await _count_owners(ctx, actor.org_id) <= 1:
        raise Conflict("An organisation needs at least one owner: make someone else owner first.")
    before = {"role": target.role}
    target.role = role
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=actor.org_id,
        action="member.role_change",
        target_type="membership",
        target_id=target.user_id,
        before=before,
        after={"role": role.value},
    )
    return target


async def remove_member(ctx: Ctx, *, actor: Membership, user_id: str) -> None:
    target = await membership_of(ctx, org_id=actor.org_id, user_id=user_id)
    if target is None:
        raise NotFound("This person is not a member of the organisation.")
    leaving_self = target.user_id == actor.user_id
    if not leaving_self:
        if not Role(actor.role).at_least(Role.admin):
            raise PermissionDenied("Only owners and admins can remove members.")
        if Role(target.role) is Role.owner and Role(actor.role) is not Role.owner:
            raise PermissionDenied("Only an owner can remove an owner.")
    if Role(target.role) is Role.owner and await _count_owners(ctx, actor.org_id) <= 1:
        raise Conflict("An organisation needs at least one owner: make someone else owner first.")
    await ctx.session.delete(target)
    await audit.record(
        ctx,
        org_id=actor.org_id,
        action="member.remove",
        target_type="membership",
        target_id=user_id,
        before={"role": target.role},
    )


async def invite(
    ctx: Ctx, *, actor: Membership, inviter: User, org: Organisation, email: str, role: Role
) -> tuple[Invitation, str]:
    """Create an invitation and queue exactly one email to the invitee with its token."""
    _ensure_can_grant(Role(actor.role), role)
    existing = (
        await ctx.session.scalars(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(Membership.org_id == org.id, User.email_normalized == normalize_email(email))
        )
    ).first()
    if existing is not None:
        raise AlreadyExists("This person is already a member of the organisation.")
    token = random_token()
    now = ctx.now()
    invitation = Invitation(
        org_id=org.id,
        email=email.strip(),
        email_normalized=normalize_email(email),
        role=role,
        token_hash=hash_token(token),
        invited_by=inviter.id,
        created_at=now,
        expires_at=now + timedelta(days=ctx.settings.invitation_days),
    )
    ctx.session.add(invitation)
    await ctx.session.flush()
    link = invitation_link(ctx, token)
    await queue_email(
        ctx,
        to=invitation.email,
        org_id=org.id,
        kind="invitation",
        subject=f"{inviter.name} invited you to {org.name} on Cadence",
        text=(
            f"Hello,\n\n{inviter.name} invited you to join {org.name} on Cadence as "
            f"{role.value}.\n\nAccept the invitation here (valid for "
            f"{ctx.settings.invitation_days} days):\n\n{link}\n\n"
            f"Invitation token: {token}\n"
        ),
    )
    await audit.record(
        ctx,
        org_id=org.id,
        action="invitation.create",
        target_type="invitation",
        target_id=invitation.id,
        after={"email": invitation.email, "role": role.value},
    )
    return invitation, token


def invitation_link(ctx: Ctx, token: str) -> str:
    return f"{ctx.public_url()}/invitations/{token}"


async def pending_invitations(ctx: Ctx, *, org_id: str) -> list[Invitation]:
    query = (
        select(Invitation)
        .where(
            Invitation.org_id == org_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > ctx.now(),
        )
        .order_by(Invitation.id)
    )
    return list((await ctx.session.scalars(query)).all())


async def revoke_invitation(ctx: Ctx, *, org_id: str, invitation_id: str) -> None:
    invitation = await ctx.session.get(Invitation, invitation_id)
    if invitation is None or invitation.org_id != org_id:
        raise NotFound("No such invitation.")
    invitation.revoked_at = ctx.now()
    await audit.record(
        ctx,
        org_id=org_id,
        action="invitation.revoke",
        target_type="invitation",
        target_id=invitation.id,
    )


async def invitation_by_token(ctx: Ctx, token: str) -> Invitation:
    query = select(Invitation).where(Invitation.token_hash == hash_token(token))
    invitation = (await ctx.session.scalars(query)).first()
    if invitation is None or invitation.revoked_at is not None:
        raise NotFound("No such invitation.")
    return invitation


async def accept(ctx: Ctx, *, token: str, user: User) -> Membership:
    invitation = await invitation_by_token(ctx, token)
    if invitation.email_normalized != user.email_normalized:
        raise PermissionDenied(
            "This invitation was sent to another email address; log in as that person to accept it."
        )
    if invitation.accepted_at is not None:
        existing = await membership_of(ctx, org_id=invitation.org_id, user_id=user.id)
        if existing is not None and invitation.accepted_by == user.id:
            return existing
        raise Gone("This invitation has already been used.")
    if invitation.expires_at <= ctx.now():
        raise Gone("This invitation has expired; ask for a new one.")
    membership = await membership_of(ctx, org_id=invitation.org_id, user_id=user.id)
    if membership is not None:
        raise AlreadyExists("You are already a member of this organisation.")
    invitation.accepted_at = ctx.now()
    invitation.accepted_by = user.id
    membership = Membership(
        org_id=invitation.org_id, user_id=user.id, role=invitation.role, created_at=ctx.now()
    )
    ctx.session.add(membership)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=invitation.org_id,
        action="invitation.accept",
        target_type="membership",
        target_id=user.id,
        after={"role": invitation.role},
    )
    return membership
