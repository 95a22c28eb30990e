"""Personal data export: each module contributes what it holds about a person.

Modules register an exporter with `@exporter("name")`; the account export calls them all, so
a new module's data cannot be forgotten by editing a central list.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import or_, select

from cadence.accounts.models import AuthSession, Invitation, Membership, Organisation, User
from cadence.audit.models import AuditEntry
from cadence.context import Ctx
from cadence.notify.models import OutboxEmail

Exporter = Callable[[Ctx, User], Awaitable[Any]]
_EXPORTERS: dict[str, Exporter] = {}
Eraser = Callable[[Ctx, User], Awaitable[None]]
_ERASERS: dict[str, Eraser] = {}


def exporter(name: str) -> Callable[[Exporter], Exporter]:
    def register(fn: Exporter) -> Exporter:
        _EXPORTERS[name] = fn
        return fn

    return register


def eraser(name: str) -> Callable[[Eraser], Eraser]:
    """Register what a module must forget (or anonymise) when a person deletes their account.

    Rows that point at the user with `ON DELETE SET NULL` would otherwise keep names and
    contact details of a person who asked to be forgotten.
    """

    def register(fn: Eraser) -> Eraser:
        _ERASERS[name] = fn
        return fn

    return register


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def row_dict(row: Any, *, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    return {c.key: _iso(getattr(row, c.key)) for c in row.__table__.columns if c.key not in skip}


SECRET_COLUMNS = frozenset({"password_hash", "totp_secret", "web_token_hash", "token_hash"})


@exporter("account")
async def _account(ctx: Ctx, user: User) -> Any:
    return row_dict(user, skip=SECRET_COLUMNS)


@exporter("memberships")
async def _memberships(ctx: Ctx, user: User) -> Any:
    rows = await ctx.session.execute(
        select(Membership, Organisation)
        .join(Organisation, Organisation.id == Membership.org_id)
        .where(Membership.user_id == user.id)
    )
    return [
        {
            "organisation": {"id": o.id, "name": o.name},
            "role": m.role,
            "joined_at": _iso(m.created_at),
        }
        for m, o in rows
    ]


@exporter("logins")
async def _logins(ctx: Ctx, user: User) -> Any:
    rows = await ctx.session.scalars(select(AuthSession).where(AuthSession.user_id == user.id))
    return [row_dict(r, skip=SECRET_COLUMNS) for r in rows]


@exporter("invitations")
async def _invitations(ctx: Ctx, user: User) -> Any:
    rows = await ctx.session.scalars(
        select(Invitation).where(
            or_(
                Invitation.email_normalized == user.email_normalized,
                Invitation.invited_by == user.id,
            )
        )
    )
    return [row_dict(r, skip=SECRET_COLUMNS) for r in rows]


@exporter("activity")
async def _activity(ctx: Ctx, user: User) -> Any:
    rows = await ctx.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == user.id))
    return [row_dict(r) for r in rows]


@exporter("emails")
async def _emails(ctx: Ctx, user: User) -> Any:
    rows = await ctx.session.scalars(select(OutboxEmail).where(OutboxEmail.to_addr == user.email))
    return [row_dict(r) for r in rows]


async def collect_user_data(ctx: Ctx, user: User) -> dict[str, Any]:
    data: dict[str, Any] = {"format": "cadence-personal-data/1", "exported_at": _iso(ctx.now())}
    for name, fn in _EXPORTERS.items():
        data[name] = await fn(ctx, user)
    return data


async def erase_user_data(ctx: Ctx, user: User) -> None:
    """Run every module's eraser, in the caller's transaction (before the user row goes)."""
    for fn in _ERASERS.values():
        await fn(ctx, user)
