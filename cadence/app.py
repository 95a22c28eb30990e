"""`create_app()`: the one ASGI application serving the API, the web UI and the service routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from cadence import models  # noqa: F401 - registers every table on the metadata
from cadence.accounts.api import router as accounts_router
from cadence.accounts.security import use_fast_hashing_for_tests
from cadence.audit.api import router as audit_router
from cadence.availability.api import router as availability_router
from cadence.availability.org_api import router as org_availability_router
from cadence.calendar.api import router as calendar_router
from cadence.clock import Clock, SystemClock
from cadence.db import create_engine, make_sessionmaker, read_only
from cadence.events.api import router as events_router
from cadence.events.booking_api import router as booking_router
from cadence.findtime.api import router as findtime_router
from cadence.http import problems
from cadence.http.docs import router as docs_router
from cadence.http.logging import configure as configure_logging
from cadence.http.middleware import EdgeMiddleware
from cadence.http.service_api import router as service_router
from cadence.http.state import AppState
from cadence.idempotency.middleware import IdempotencyMiddleware
from cadence.jobs.api import router as jobs_router
from cadence.leagues.routes import router as leagues_router
from cadence.notify.api import router as notify_router
from cadence.notify.runtime import background
from cadence.ratelimit import RateLimiter
from cadence.realtime.api import router as realtime_router
from cadence.settings import Settings, get_settings
from cadence.venues.routes import router as venues_router
from cadence.web.availability_pages import router as availability_pages
from cadence.web.pagecache import PageCache, PageCacheMiddleware
from cadence.web.pages import router as web_router
from cadence.web.templating import error_page, prefers_html

STATIC_DIR = Path(__file__).parent / "web" / "static"


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    if settings.env == "test":
        use_fast_hashing_for_tests()
    pages = PageCache()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        app.state.cadence = AppState(
            settings=settings,
            engine=engine,
            sessions=make_sessionmaker(engine),
            read_sessions=make_sessionmaker(read_only(engine)),
            clock=clock or SystemClock(),
            limiter=RateLimiter(settings.redis_url),
        )
        try:
            async with (
                pages.running(settings.redis_url, f"{settings.redis_namespace}:pages"),
                background(app.state.cadence),
            ):
                yield
        finally:
            await app.state.cadence.limiter.close()
            await engine.dispose()

    app = FastAPI(
        title="Cadence",
        version="0.1.0",
        summary="Scheduling and booking for bands, companies, events, venues and leagues.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    problems.install(app)
    app.state.html_errors = problems.HtmlErrors(wanted=prefers_html, page=error_page)
    app.include_router(service_router)
    app.include_router(docs_router)
    app.include_router(accounts_router)
    app.include_router(audit_router)
    app.include_router(notify_router)
    app.include_router(jobs_router)
    app.include_router(realtime_router)
    app.include_router(events_router)
    app.include_router(booking_router)
    app.include_router(availability_router)
    app.include_router(calendar_router)
    app.include_router(findtime_router)
    app.include_router(org_availability_router)
    app.include_router(availability_pages)
    app.include_router(venues_router)
    app.include_router(leagues_router)
    app.include_router(web_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(IdempotencyMiddleware, state_of=app)
    app.state.page_cache = pages
    app.add_middleware(PageCacheMiddleware, cache=pages)
    app.add_middleware(
        EdgeMiddleware, max_body_bytes=settings.max_body_bytes, secure=settings.secure_cookies
    )
    return app
