"""The Jinja2 environment of the web UI, and the one HTML error page.

Kept free of any dependency on the request machinery so `cadence.http.problems` can import
it to answer browsers with a page instead of problem+json.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

TEMPLATE_DIR = Path(__file__).parent / "templates"

templates = Jinja2Templates(directory=TEMPLATE_DIR)


@pass_context
def _when(context: Context, value: datetime | None, zone: str | None = None) -> str:
    """A readable local time with its zone abbreviation, e.g. "Fri 11 Dec 2026, 19:30 GMT".

    In the zone given (an event's own), else the viewer's, else UTC.
    """
    if value is None:
        return ""
    viewer = context.get("user")
    zone = zone or getattr(viewer, "timezone", None)
    try:
        local = value.astimezone(ZoneInfo(zone or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        local = value.astimezone(ZoneInfo("UTC"))
    return local.strftime("%a %-d %b %Y, %H:%M ") + (local.tzname() or "")


templates.env.filters["when"] = _when


def prefers_html(request: Request) -> bool:
    """True when the Accept header ranks text/html at least as high as JSON."""
    accept = request.headers.get("accept", "")
    weights: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        weights[media.lower()] = max(quality, weights.get(media.lower(), 0.0))
    html = weights.get("text/html", 0.0)
    json = max(weights.get("application/json", 0.0), weights.get("application/problem+json", 0.0))
    return html > 0 and html >= json


def error_page(
    request: Request,
    status: int,
    title: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A plain page explaining what went wrong, with a way back."""
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "title": title, "detail": detail, "user": None, "csrf_token": ""},
        status_code=status,
        headers=headers,
    )
