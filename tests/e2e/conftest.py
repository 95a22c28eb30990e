"""A real Cadence server (uvicorn in a subprocess, temp SQLite) and Debian's Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.steps import open_page
from tests.live import live_server
from tests.services import CHROMIUM, chromium_available, need

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a freshly migrated Cadence served by uvicorn on a free loopback port."""
    need("Chromium", chromium_available())
    with live_server(tmp_path_factory.mktemp("e2e")) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def chromium_path() -> str:
    need("Chromium", chromium_available())
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium_path: str, server: str) -> Iterator[Browser]:
    """Chromium, per test module: Playwright's sync API keeps an event loop running in this
    thread while it is open, which would break every async test after it on the same
    worker. Started after the server, whose migration runs a loop of its own."""
    del server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    """A desktop-sized page; the test fails if the page logged a script or CSP error."""
    errors: list[str] = []
    page = open_page(browser, server, errors, viewport={"width": 1200, "height": 900})
    yield page
    page.context.close()
    assert errors == []
