"""The Jinja2 environment of the web UI, and the one HTML error page.

Kept free of any dependency on the request machinery so `cadence.http.problems` can import
it to answer browsers with a page instead of problem+json.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

TEMPLATE_DIR = Path(__file__).parent / "templates"

templates = Jinja2Templates(directory=TEMPLATE_DIR)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else ""


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
