"""A real Cadence server (uvicorn in a subprocess, temp SQLite) and Debian's Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

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
