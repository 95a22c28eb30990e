"""The leagues app's routes in one router: the API and the web pages (one line in the app)."""

from __future__ import annotations

from fastapi import APIRouter

from cadence.leagues.api import router as api_router
from cadence.leagues.pages import router as pages_router

router = APIRouter()
router.include_router(api_router)
router.include_router(pages_router)
