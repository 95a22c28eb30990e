"""Without CADENCE_BASE_URL, links point at the address the request came in on.

A server started on another port (or behind another name) hands out feed URLs that work,
instead of URLs for the default http://127.0.0.1:8000.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from cadence.app import create_app
from cadence.settings import Settings
from tests.integration.conftest import signup


@pytest.fixture
async def unconfigured(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(env="test", database_url=database_url, log_level="WARNING"))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://cadence.local:9123"
        ) as client,
    ):
        yield client


async def test_feed_url_follows_the_request(unconfigured: httpx.AsyncClient) -> None:
    person = await signup(unconfigured, "feed@example.com")
    url = (await unconfigured.get("/api/v1/me/calendar-feed", headers=person.auth)).json()["url"]
    assert url.startswith("http://cadence.local:9123/api/v1/calendar-feeds/")
    feed = await unconfigured.get(url)
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
