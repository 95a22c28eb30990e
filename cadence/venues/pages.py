"""Web pages of venues (placeholder, filled in below)."""

from __future__ import annotations

from fastapi import APIRouter

from cadence.web.session import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)
