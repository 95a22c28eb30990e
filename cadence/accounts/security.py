"""Password hashing, token minting and access-token verification."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

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


@lru_cache(maxsize=4096)
def _verified(token: str, secret: str) -> tuple[str, str, str | None, int]:
    """(sub, sid, typ, exp) of a token whose signature verifies; raises otherwise.

    Remembered per (token, secret): a signature that verified once always verifies, and
    PyJWT's decode costs about 0.15 ms, paid on every request of a client that sends the
    same token for its fifteen minutes. Expiry is checked by the caller on every use, and
    whether the login still stands is checked against its row (sessions.py), so nothing
    that can change is remembered. Failures are not cached (an exception is not a result).
    """
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
    typ = payload.get("typ")
    return str(payload["sub"]), str(payload["sid"]), typ, int(payload["exp"])


def read_access_token(token: str, *, secret: str, now: datetime) -> AccessClaims:
    """Verify signature and expiry (against the injected clock)."""
    try:
        user_id, session_id, typ, expires = _verified(token, secret)
    except (jwt.PyJWTError, TypeError, ValueError) as exc:
        raise Unauthorized("The access token is invalid.") from exc
    if typ != "access" or expires <= int(now.timestamp()):
        raise Unauthorized("The access token has expired.")
    return AccessClaims(
        user_id=user_id,
        session_id=session_id,
        expires_at=datetime.fromtimestamp(expires, tz=now.tzinfo),
    )
