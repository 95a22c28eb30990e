"""Venues in a real browser: a guest reserves a table for six, staff see it on the night's
timeline and floor plan, move it to another table by clicking the plan, and seat it.

The venue is set up through the API (areas and tables are not the point here); it opens
12:00-23:00 every day in London, and the guest books tomorrow at 19:00, so the test does
not depend on the time of day it runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from tests.e2e.conftest import CHROMIUM_ARGS
from tests.e2e.test_flow import PASSWORD, log_in, log_out, register

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _venue(server: str) -> tuple[str, str, dict[str, str]]:
    """Staff's venue through the API: (org id, venue id, table name -> id)."""
    with httpx.Client(base_url=server) as api:
        r = api.post(
            "/api/v1/auth/register",
            json={"email": "vera@example.com", "password": PASSWORD, "name": "Vera Venue"},
        )
        assert r.status_code == 201, r.text
        login = api.post(
            "/api/v1/auth/login", json={"email": "vera@example.com", "password": PASSWORD}
        )
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        org = api.post(
            "/api/v1/orgs", json={"name": "Backroom", "timezone": "Europe/London"}, headers=auth
        ).json()["id"]
        base = f"/api/v1/orgs/{org}/venue"
        venue = api.put(
            base,
            json={"name": "The Backroom", "timezone": "Europe/London", "published": True},
            headers=auth,
        ).json()["id"]
        week = [{"weekday": d, "start": "12:00", "end": "23:00"} for d in range(7)]
        assert api.put(f"{base}/hours", json={"weekly": week}, headers=auth).status_code == 200
        area = api.post(f"{base}/areas", json={"name": "Room"}, headers=auth).json()["id"]
        tables = {}
        for name, lo, hi, x, shape in (
            ("Two", 1, 2, 100, "square"),
            ("Six", 4, 6, 300, "long"),
            ("Round", 4, 8, 600, "round"),
        ):
            r = api.post(
                f"{base}/tables",
                json={
                    "name": name,
                    "area_id": area,
                    "seats_min": lo,
                    "seats_max": hi,
                    "x": x,
                    "y": 200,
                    "shape": shape,
                },
                headers=auth,
            )
            assert r.status_code == 201, r.text
            tables[name] = r.json()["id"]
    return org, venue, tables


def _page(browser: Browser, server: str, errors: list[str]) -> Page:
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    page.on("console", on_console)
    return page


def test_guest_reserves_for_six_and_staff_seat_them_from_the_timeline(
    browser: Browser, server: str
) -> None:
    org, venue, tables = _venue(server)
    tomorrow = (datetime.now(ZoneInfo("Europe/London")) + timedelta(days=1)).date()
    errors: list[str] = []
    page = _page(browser, server, errors)

    # The guest: free times for six tomorrow, 19:00, reserved.
    page.goto("/register")
    register(page, "Gina Guest", "gina@example.com")
    log_in(page, "gina@example.com")
    page.goto(f"/venues/{venue}/reserve?day={tomorrow.isoformat()}&party_size=6")
    expect(page.get_by_role("heading", name="Reserve a table at The Backroom")).to_be_visible()
    page.get_by_label("19:00").check()
    page.get_by_label("Occasion").fill("Birthday")
    page.get_by_role("button", name="Reserve").click()
    expect(page.get_by_role("status")).to_contain_text("Your table for 6 is confirmed")
    expect(page.get_by_text("· table Six")).to_be_visible()
    log_out(page)

    # Staff: the night's timeline shows the party on the six-top.
    page.goto("/login")
    log_in(page, "vera@example.com")
    page.goto(f"/orgs/{org}/venue/floor?day={tomorrow.isoformat()}")
    bar = page.locator('[data-table-row="Six"] td.res')
    expect(bar).to_have_text("Gina Guest (6)")
    expect(bar).to_have_attribute("title", "Gina Guest · 6 · 19:00\u201321:00 · confirmed")
    six = page.locator(f'.plan-table[data-table-id="{tables["Six"]}"]')
    expect(six).to_be_visible()

    # Staff move the party to the round table by pointing at it on the floor plan.
    row = page.locator("tr[data-reservation-row]").filter(has_text="Gina Guest")
    row.get_by_label("Move Gina Guest to").focus()
    page.locator(f'.plan-table[data-table-id="{tables["Round"]}"]').click()
    expect(row.get_by_label("Move Gina Guest to")).to_have_value(tables["Round"])
    row.get_by_role("button", name="Move").click()
    expect(page.get_by_role("status")).to_contain_text("Gina Guest moved to Round")
    expect(page.locator('[data-table-row="Round"] td.res')).to_have_text("Gina Guest (6)")
    expect(page.locator('[data-table-row="Six"] td.res')).to_have_count(0)

    # ... and seat them.
    row = page.locator("tr[data-reservation-row]").filter(has_text="Gina Guest")
    row.get_by_role("button", name="Seated").click()
    expect(page.get_by_role("status")).to_contain_text("Gina Guest: seated")
    expect(page.locator('[data-table-row="Round"] td.res-seated')).to_have_text("Gina Guest (6)")
    expect(page.locator(f'.plan-table[data-table-id="{tables["Round"]}"]')).to_have_attribute(
        "data-state", "seated"
    )
    page.context.close()
    assert errors == []
