"""HTML routes of the web UI: one router gathering the page modules.

Every route uses `WebRoute`, so domain errors answer HTML pages and failed forms are
re-rendered after the transaction is rolled back (see `cadence.web.session`).
"""

from __future__ import annotations

from fastapi import APIRouter

from cadence.web import (
    account_pages,
    auth_pages,
    event_pages,
    org_pages,
    organiser_pages,
    outbox_pages,
)

router = APIRouter(include_in_schema=False)
router.include_router(auth_pages.router)
router.include_router(org_pages.router)
router.include_router(account_pages.router)
router.include_router(event_pages.router)
router.include_router(organiser_pages.router)
router.include_router(outbox_pages.router)
