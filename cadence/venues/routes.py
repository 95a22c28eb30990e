"""The venues app's routes in one router: the API and the web pages (one line in the app)."""

from __future__ import annotations

from fastapi import APIRouter

from cadence.venues.api import router as api_router
from cadence.venues.floor_pages import router as floor_pages_router
from cadence.venues.guest_api import router as guest_router
from cadence.venues.guestbook_api import router as guestbook_router
from cadence.venues.guestbook_pages import router as guestbook_pages_router
from cadence.venues.pages import router as pages_router

router = APIRouter()
router.include_router(api_router)
router.include_router(guest_router)
router.include_router(guestbook_router)
router.include_router(pages_router)
router.include_router(floor_pages_router)
router.include_router(guestbook_pages_router)
