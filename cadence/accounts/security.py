"""Password hashing, token minting and access-token verification."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cadence.errors import Unauthorized

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# A hash of a random password, verified when an email is unknown so that a login takes the
# same time whether or not the account exists.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
JWT_ALGORITHM = "HS256"


def use_fast_hashing_for_tests() -> None:
    """Cheap Argon2id parameters: only ever called by the test-suite settings (env=test)."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def random_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """Tokens are stored as SHA-256 digests: a leaked table cannot be replayed."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    session_id: str
    expires_at: datetime


def mint_access_token(
    *, secret: str, user_id: str, session_id: str, now: datetime, ttl: timedelta
) -> str:
    payload = {
        "sub": user_id,
        "sid": session_id,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "typ": "access",
    }
    return jwt.encode(payload, secret, algorithm=JWT_ALGORITHM)


def read_access_token(token: str, *, secret: str, now: datetime) -> AccessClaims:
    """Verify signature and expiry (against the injected clock)."""
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=[JWT_ALGORITHM],
            options={
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "require": ["sub", "sid", "exp"],
            },
        )
    except jwt.PyJWTError as exc:
        raise Unauthorized("The access token is invalid.") from exc
    if payload.get("typ") != "access" or int(payload["exp"]) <= int(now.timestamp()):
        raise Unauthorized("The access token has expired.")
    return AccessClaims(
        user_id=str(payload["sub"]),
        session_id=str(payload["sid"]),
        expires_at=datetime.fromtimestamp(int(payload["exp"]), tz=now.tzinfo),
    )
