"""Users: registration, profile, passwords, second factor, export and deletion."""

from __future__ import annotations

import zoneinfo
from datetime import timedelta
from typing import Any

import pyotp
import segno
from sqlalchemy import delete, func, select, update

from cadence.accounts.models import (
    AuthSession,
    Membership,
    Organisation,
    PasswordResetToken,
    RecoveryCode,
    User,
)
from cadence.accounts.roles import Role
from cadence.accounts.security import hash_password, hash_token, random_token, verify_password
from cadence.audit import service as audit
from cadence.context import Ctx
from cadence.errors import AlreadyExists, Conflict, InvalidInput, NotFound, Unauthorized
from cadence.notify.outbox import queue_email

RECOVERY_CODE_COUNT = 10


def normalize_email(email: str) -> str:
    return email.strip().lower()


def ensure_timezone(name: str) -> str:
    """Accept only IANA zone names; everything else is a clear 422."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(
            f"Unknown timezone {name!r}: use an IANA name such as Europe/London."
        ) from exc
    if name not in zoneinfo.available_timezones() and name != "UTC":
        raise InvalidInput(f"Unknown timezone {name!r}: use an IANA name such as Europe/London.")
    return name


async def get_user(ctx: Ctx, user_id: str) -> User:
    user = await ctx.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


async def find_by_email(ctx: Ctx, email: str) -> User | None:
    query = select(User).where(User.email_normalized == normalize_email(email))
    return (await ctx.session.scalars(query)).first()


async def register(
    ctx: Ctx, *, email: str, password: str, name: str, timezone: str = "UTC"
) -> User:
    ensure_timezone(timezone)
    if await find_by_email(ctx, email) is not None:
        raise AlreadyExists("An account with this email already exists.")
    now = ctx.now()
    user = User(
        email=email.strip(),
        email_normalized=normalize_email(email),
        name=name,
        password_hash=hash_password(password),
        timezone=timezone,
        created_at=now,
        password_changed_at=now,
    )
    ctx.session.add(user)
    await ctx.session.flush()
    ctx.actor_id = ctx.actor_id or user.id
    await audit.record(
        ctx,
        action="user.register",
        target_type="user",
        target_id=user.id,
        after={"email": user.email, "name": user.name},
    )
    return user


async def update_profile(
    ctx: Ctx, user: User, *, name: str | None = None, timezone: str | None = None
) -> User:
    before = {"name": user.name, "timezone": user.timezone}
    if name is not None:
        user.name = name
    if timezone is not None:
        user.timezone = ensure_timezone(timezone)
    await ctx.session.flush()
    await audit.record(
        ctx,
        action="user.update",
        target_type="user",
        target_id=user.id,
        before=before,
        after={"name": user.name, "timezone": user.timezone},
    )
    return user


async def revoke_sessions(
    ctx: Ctx, user_id: str, *, reason: str, except_session: str | None = None
) -> None:
    query = (
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=ctx.now(), revoked_reason=reason)
    )
    if except_session is not None:
        query = query.where(AuthSession.id != except_session)
    await ctx.session.execute(query)


async def change_password(
    ctx: Ctx, user: User, *, current: str, new: str, keep_session: str | None
) -> None:
    if not verify_password(user.password_hash, current):
        raise InvalidInput("The current password is wrong.", field="current_password")
    user.password_hash = hash_password(new)
    user.password_changed_at = ctx.now()
    await revoke_sessions(ctx, user.id, reason="password-changed", except_session=keep_session)
    await audit.record(ctx, action="user.password_change", target_type="user", target_id=user.id)


async def request_password_reset(ctx: Ctx, *, email: str) -> str | None:
    """Email a single-use reset link. Unknown emails do nothing, silently (no enumeration)."""
    user = await find_by_email(ctx, email)
    if user is None:
        return None
    token = random_token()
    ctx.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=hash_token(token),
            created_at=ctx.now(),
            expires_at=ctx.now() + timedelta(minutes=ctx.settings.password_reset_minutes),
        )
    )
    link = f"{ctx.public_url()}/reset-password/{token}"
    await queue_email(
        ctx,
        to=user.email,
        kind="password_reset",
        subject="Reset your Cadence password",
        text=(
            f"Hello {user.name},\n\nSomeone asked to reset your Cadence password. "
            f"If it was you, open this link within {ctx.settings.password_reset_minutes} "
            f"minutes:\n\n{link}\n\nReset token: {token}\n\n"
            "If it was not you, ignore this email; your password stays the same.\n"
        ),
    )
    return token


async def reset_password(ctx: Ctx, *, token: str, new_password: str) -> User:
    row = (
        await ctx.session.scalars(
            select(PasswordResetToken).where(PasswordResetToken.token_hash == hash_token(token))
        )
    ).first()
    if row is None or row.used_at is not None or row.expires_at <= ctx.now():
        raise InvalidInput("This reset link is invalid, used or expired.", field="token")
    claimed = await ctx.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=ctx.now())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidInput("This reset link is invalid, used or expired.", field="token")
    user = await get_user(ctx, row.user_id)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = ctx.now()
    await revoke_sessions(ctx, user.id, reason="password-reset")
    ctx.actor_id = ctx.actor_id or user.id
    await audit.record(ctx, action="user.password_reset", target_type="user", target_id=user.id)
    return user


def totp_for(user: User) -> pyotp.TOTP:
    if not user.totp_secret:
        raise Conflict("Two-factor authentication has not been set up.")
    return pyotp.TOTP(user.totp_secret)


async def begin_totp(ctx: Ctx, user: User) -> tuple[str, str, str]:
    """Start enrolment: a new secret, its otpauth URI and the URI as an SVG QR code."""
    if user.totp_enabled:
        raise Conflict("Two-factor authentication is already on; turn it off first.")
    user.totp_secret = pyotp.random_base32()
    await ctx.session.flush()
    uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name="Cadence")
    svg = segno.make(uri, error="m").svg_inline(scale=4)
    return user.totp_secret, uri, svg


def check_totp_code(user: User, code: str, at_unix: float) -> bool:
    return totp_for(user).verify(code.strip().replace(" ", ""), for_time=at_unix, valid_window=1)


async def confirm_totp(ctx: Ctx, user: User, *, code: str) -> list[str]:
    """Turn the second factor on once the user proves their app shows the right code."""
    if user.totp_enabled:
        raise Conflict("Two-factor authentication is already on.")
    if not check_totp_code(user, code, ctx.now().timestamp()):
        raise InvalidInput("That code is not right; check your authenticator app.", field="code")
    user.totp_enabled = True
    await ctx.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [random_token(6) for _ in range(RECOVERY_CODE_COUNT)]
    ctx.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_token(c)) for c in codes)
    await audit.record(ctx, action="user.totp_enable", target_type="user", target_id=user.id)
    return codes


async def disable_totp(ctx: Ctx, user: User, *, password: str) -> None:
    if not verify_password(user.password_hash, password):
        raise InvalidInput("The password is wrong.", field="password")
    user.totp_enabled = False
    user.totp_secret = None
    await ctx.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    await audit.record(ctx, action="user.totp_disable", target_type="user", target_id=user.id)


async def use_recovery_code(ctx: Ctx, user: User, code: str) -> bool:
    claimed = await ctx.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == hash_token(code.strip()),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=ctx.now())
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


async def export_user(ctx: Ctx, user: User) -> dict[str, Any]:
    """Everything Cadence holds about a person, as JSON (right of access)."""
    from cadence.exports import collect_user_data  # one registry spanning every module

    return await collect_user_data(ctx, user)


async def delete_account(ctx: Ctx, user: User, *, password: str) -> None:
    """Delete a person. Refused while they are the only owner of an organisation with others."""
    if not verify_password(user.password_hash, password):
        raise InvalidInput("The password is wrong.", field="password")
    owned = (
        await ctx.session.scalars(
            select(Membership.org_id).where(
                Membership.user_id == user.id, Membership.role == Role.owner
            )
        )
    ).all()
    for org_id in owned:
        owners = await ctx.session.scalar(
            select(func.count()).where(Membership.org_id == org_id, Membership.role == Role.owner)
        )
        members = await ctx.session.scalar(select(func.count()).where(Membership.org_id == org_id))
        if owners == 1 and (members or 0) > 1:
            org = await ctx.session.get(Organisation, org_id)
            raise Conflict(
                f"You are the only owner of {org.name if org else 'an organisation'}: "
                "make someone else owner first."
            )
        if members == 1:
            await ctx.session.execute(delete(Organisation).where(Organisation.id == org_id))
    from cadence.exports import erase_user_data  # one registry spanning every module

    await erase_user_data(ctx, user)
    await audit.record(
        ctx,
        action="user.delete",
        target_type="user",
        target_id=user.id,
        before={"email": user.email},
    )
    await ctx.session.delete(user)
    await ctx.session.flush()


async def authenticate_password(ctx: Ctx, *, email: str, password: str) -> User:
    user = await find_by_email(ctx, email)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise Unauthorized("The email or password is wrong.")
    return user
