"""Domain errors, mapped to RFC 9457 problem responses in exactly one place (`cadence.app`).

Services raise these; they never raise HTTP exceptions. Each class has a stable `slug` that
becomes the problem `type` (`/problems/<slug>`), so clients can branch on it.
"""

from __future__ import annotations

from typing import Any, ClassVar


class CadenceError(Exception):
    """Base of every error a user may see."""

    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"
    # True when the changes made before the error must still be committed (for example the
    # revocation of a login whose refresh token was replayed).
    keeps_changes: ClassVar[bool] = False

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class InvalidInput(CadenceError):
    status = 422
    slug = "invalid-input"
    title = "Invalid input"


class Unauthorized(CadenceError):
    status = 401
    slug = "unauthorized"
    title = "Authentication required"


class TotpRequired(Unauthorized):
    slug = "totp-required"
    title = "Second factor required"


class PermissionDenied(CadenceError):
    status = 403
    slug = "forbidden"
    title = "Not allowed"


class NotFound(CadenceError):
    status = 404
    slug = "not-found"
    title = "Not found"


class Conflict(CadenceError):
    status = 409
    slug = "conflict"
    title = "Conflict"


class AlreadyExists(Conflict):
    slug = "already-exists"
    title = "Already exists"


class StaleEdit(Conflict):
    slug = "stale-edit"
    title = "Edited by someone else"


class SoldOut(Conflict):
    slug = "sold-out"
    title = "Sold out"


class Gone(CadenceError):
    status = 410
    slug = "gone"
    title = "Gone"


class RateLimited(CadenceError):
    status = 429
    slug = "rate-limited"
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)
