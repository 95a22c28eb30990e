"""Logins: access/refresh token pairs for the API, cookie sessions for the web UI.

A login is an `AuthSession`. Its refresh tokens rotate: each refresh spends the presented
token and issues a new one. Presenting a spent token again means it was stolen (or the
client is broken), so the whole login is revoked; every access token that names it dies too,
because each request checks the session row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, select, update

from cadence.accounts import service as users
from cadence.accounts.models import AuthSession, RefreshToken, User
from cadence.accounts.security import hash_token, mint_access_token, random_token, read_access_token
from cadence.audit import service as audit
from cadence.context import Ctx
from cadence.errors import CadenceError, TotpRequired, Unauthorized
from cadence.ratelimit import RateLimiter


class RefreshReused(Unauthorized):
    """A spent refresh token came back. The revocation it causes must be committed."""

    keeps_changes = True


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    session_id: str


def _login_rule(ctx: Ctx) -> str:
    s = ctx.settings
    return f"{s.login_failure_limit}/{s.login_failure_window_minutes} minutes"


async def verify_credentials(
    ctx: Ctx,
    limiter: RateLimiter,
    *,
    email: str,
    password: str,
    totp_code: str | None = None,
    recovery_code: str | None = None,
) -> User:
    """Check password (and second factor), counting failures per email against brute force."""
    rule = limiter.rule(_login_rule(ctx))
    key = f"login:{users.normalize_email(email)}"
    await limiter.ensure_allowed(
        rule, key, "Too many failed logins for this email; wait before trying again."
    )
    try:
        user = await users.authenticate_password(ctx, email=email, password=password)
        if user.totp_enabled:
            await _check_second_factor(ctx, user, totp_code, recovery_code)
    except TotpRequired:
        raise
    except CadenceError:
        await limiter.record(rule, key)
        raise
    return user


async def _check_second_factor(
    ctx: Ctx, user: User, totp_code: str | None, recovery_code: str | None
) -> None:
    if totp_code:
        if users.check_totp_code(user, totp_code, ctx.now().timestamp()):
            return
        raise Unauthorized("The two-factor code is wrong.")
    if recovery_code:
        if await users.use_recovery_code(ctx, user, recovery_code):
            return
        raise Unauthorized("That recovery code is wrong or already used.")
    raise TotpRequired("Enter the code from your authenticator app (totp_code).")


async def start_api_session(ctx: Ctx, user: User, *, user_agent: str | None) -> TokenPair:
    now = ctx.now()
    session = AuthSession(
        user_id=user.id,
        kind="api",
        created_at=now,
        expires_at=now + timedelta(days=ctx.settings.refresh_token_days),
        user_agent=(user_agent or "")[:300] or None,
    )
    ctx.session.add(session)
    await ctx.session.flush()
    return await _issue_pair(ctx, session)


async def _issue_pair(ctx: Ctx, session: AuthSession) -> TokenPair:
    now = ctx.now()
    refresh = random_token()
    ctx.session.add(
        RefreshToken(
            session_id=session.id,
            token_hash=hash_token(refresh),
            created_at=now,
            expires_at=session.expires_at,
        )
    )
    await ctx.session.flush()
    ttl = timedelta(minutes=ctx.settings.access_token_minutes)
    access = mint_access_token(
        secret=ctx.settings.secret_key,
        user_id=session.user_id,
        session_id=session.id,
        now=now,
        ttl=ttl,
    )
    return TokenPair(access, refresh, int(ttl.total_seconds()), session.id)


async def refresh(ctx: Ctx, *, refresh_token: str) -> TokenPair:
    now = ctx.now()
    row = (
        await ctx.session.execute(
            select(RefreshToken, AuthSession)
            .join(AuthSession, AuthSession.id == RefreshToken.session_id)
            .where(RefreshToken.token_hash == hash_token(refresh_token))
        )
    ).first()
    if row is None:
        raise Unauthorized("The refresh token is not valid.")
    token, session = row
    if session.revoked_at is not None or session.expires_at <= now:
        raise Unauthorized("This login has ended; log in again.")
    spent = await ctx.session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == token.id, RefreshToken.used_at.is_(None))
        .values(used_at=now)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        await _revoke(ctx, session, reason="refresh-reuse")
        raise RefreshReused("This refresh token was already used; the login has been ended.")
    return await _issue_pair(ctx, session)


async def _revoke(ctx: Ctx, session: AuthSession, *, reason: str) -> None:
    await ctx.session.execute(
        update(AuthSession)
        .where(AuthSession.id == session.id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=ctx.now(), revoked_reason=reason)
    )
    ctx.actor_id = ctx.actor_id or session.user_id
    await audit.record(
        ctx, action=f"session.revoke.{reason}", target_type="auth_session", target_id=session.id
    )


async def end_session(ctx: Ctx, session_id: str) -> None:
    session = await ctx.session.get(AuthSession, session_id)
    if session is not None:
        await _revoke(ctx, session, reason="logout")


async def user_for_access_token(ctx: Ctx, token: str) -> tuple[User, AuthSession]:
    claims = read_access_token(token, secret=ctx.settings.secret_key, now=ctx.now())
    return await _live_session(ctx, AuthSession.id == claims.session_id)


# The login of an access token, without loading rows (`user_id_for_access_token`).
_LOGIN_OF_SESSION = (
    select(AuthSession.user_id, AuthSession.revoked_at, AuthSession.expires_at)
    .join(User, User.id == AuthSession.user_id)
    .where(AuthSession.id == bindparam("session_id"))
)


async def user_id_for_access_token(ctx: Ctx, token: str) -> str:
    """`user_for_access_token` for callers that need only who it is: the same checks
    (signature, expiry, the login row neither revoked nor expired, its user present) from
    three columns, without building two ORM objects per request."""
    claims = read_access_token(token, secret=ctx.settings.secret_key, now=ctx.now())
    row = (await ctx.session.execute(_LOGIN_OF_SESSION, {"session_id": claims.session_id})).first()
    if row is None or row.revoked_at is not None or row.expires_at <= ctx.now():
        raise Unauthorized("This login has ended; log in again.")
    return str(row.user_id)


async def _live_session(ctx: Ctx, condition: object) -> tuple[User, AuthSession]:
    row = (
        await ctx.session.execute(
            select(User, AuthSession)
            .join(AuthSession, AuthSession.user_id == User.id)
            .where(condition)  # type: ignore[arg-type]
        )
    ).first()
    if row is None:
        raise Unauthorized("This login has ended; log in again.")
    user, session = row
    if session.revoked_at is not None or session.expires_at <= ctx.now():
        raise Unauthorized("This login has ended; log in again.")
    return user, session


async def start_web_session(ctx: Ctx, user: User, *, user_agent: str | None) -> str:
    """A browser login; the returned token goes into an HttpOnly cookie."""
    token = random_token()
    now = ctx.now()
    ctx.session.add(
        AuthSession(
            user_id=user.id,
            kind="web",
            web_token_hash=hash_token(token),
            created_at=now,
            expires_at=now + timedelta(days=ctx.settings.web_session_days),
            user_agent=(user_agent or "")[:300] or None,
        )
    )
    await ctx.session.flush()
    return token


async def user_for_web_token(ctx: Ctx, token: str) -> tuple[User, AuthSession]:
    return await _live_session(ctx, AuthSession.web_token_hash == hash_token(token))
