"""RFC 9457 problem+json for every error, in exactly one place."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from cadence.errors import CadenceError, RateLimited

log = logging.getLogger("cadence.errors")
PROBLEM_JSON = "application/problem+json"

_HTTP_SLUGS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation", "Invalid input"),
    429: ("rate-limited", "Too many requests"),
    503: ("unavailable", "Service unavailable"),
}


def problem_type(slug: str) -> str:
    return f"/problems/{slug}"


def problem(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    default_slug, default_title = _HTTP_SLUGS.get(status, ("error", "Error"))
    body: dict[str, Any] = {
        "type": problem_type(slug or default_slug),
        "title": title or default_title,
        "status": status,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        errors.append(
            {
                "loc": loc,
                "field": ".".join(loc[1:]) or loc[0] if loc else "",
                "msg": err.get("msg", ""),
                "type": err.get("type", ""),
            }
        )
    return errors


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _field_errors(exc)
    if any(e["type"] == "json_invalid" for e in errors):
        return problem(
            400, "The request body is not valid JSON.", slug="malformed-json", errors=errors
        )
    fields = ", ".join(sorted({e["field"] for e in errors if e["field"]}))
    return problem(
        422, f"Some fields are invalid: {fields}." if fields else "Invalid input.", errors=errors
    )


async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CadenceError)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    if exc.status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    extra = {k: v for k, v in exc.extra.items() if k not in {"type", "title", "status", "detail"}}
    return problem(exc.status, exc.detail, slug=exc.slug, title=exc.title, headers=headers, **extra)


@dataclass(frozen=True)
class HtmlErrors:
    """How the web UI renders an error page; given by the app, so this layer needs no UI."""

    wanted: Callable[[Request], bool]
    page: Callable[..., Response]


def _html_errors(request: Request) -> HtmlErrors | None:
    """Browsers outside the API get an HTML page instead of problem+json."""
    renderer: HtmlErrors | None = getattr(request.app.state, "html_errors", None)
    if renderer is None or request.url.path.startswith("/api/"):
        return None
    return renderer if renderer.wanted(request) else None


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"Nothing at {request.url.path}."
    html = _html_errors(request)
    if html is not None:
        _slug, title = _HTTP_SLUGS.get(exc.status_code, ("error", "Error"))
        if exc.status_code == 404:
            detail = "There is no page at this address. Check the link, or start again from home."
        return html.page(request, exc.status_code, title, detail, headers=dict(exc.headers or {}))
    return problem(exc.status_code, detail, headers=dict(exc.headers or {}))


async def on_integrity_error(request: Request, exc: Exception) -> JSONResponse:
    # A uniqueness race lost to a concurrent request: the change was rolled back whole.
    log.info("integrity conflict", extra={"error": str(exc).splitlines()[0][:300]})
    return problem(409, "This conflicts with a change made at the same time; try again.")


async def on_operational_error(request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable", extra={"error": str(exc).splitlines()[0][:300]})
    return problem(
        503, "The database is busy or unavailable; try again shortly.", headers={"Retry-After": "1"}
    )


async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error")
    return problem(500, "Something went wrong on our side; it has been logged.", slug="internal")


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(CadenceError, on_domain_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(IntegrityError, on_integrity_error)
    app.add_exception_handler(OperationalError, on_operational_error)
    app.add_exception_handler(Exception, on_unexpected)
