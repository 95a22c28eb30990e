"""Events in a real browser: an organiser creates and publishes an event, a customer books
and sees the ticket's QR code, the organiser checks it in at the door (phone-sized), and a
second scan says it was already checked in."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from tests.e2e.conftest import CHROMIUM_ARGS
from tests.e2e.test_flow import log_in, log_out, register

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _page(browser: Browser, server: str, errors: list[str], **kw: object) -> Page:
    context = browser.new_context(base_url=server, **kw)  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(10_000)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    page.on("console", on_console)
    return page


def test_organiser_publishes_customer_books_door_checks_in(browser: Browser, server: str) -> None:
    errors: list[str] = []
    page = _page(browser, server, errors, viewport={"width": 1200, "height": 900})

    # The organiser: an organisation, a draft event, published.
    page.goto("/register")
    register(page, "Ora Organiser", "ora@example.com")
    log_in(page, "ora@example.com")
    page.goto("/orgs/new")
    page.get_by_label("Name").fill("Evently")
    page.get_by_role("button", name="Create organisation").click()
    expect(page.get_by_role("heading", name="Evently")).to_be_visible()
    org_url = page.url
    page.goto(org_url + "/events")
    page.get_by_label("Name").fill("Jazz Night")
    page.get_by_label(re.compile("^Starts")).fill("2030-05-01T20:00")
    page.get_by_label(re.compile("^Ends")).fill("2030-05-01T23:00")
    page.get_by_label("Seats").fill("10")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft created")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("Published")
    event_url = page.get_by_role("link", name="Public page").get_attribute("href")
    assert event_url is not None
    log_out(page)

    # The customer: finds the event in the listing, books two seats, sees the QR codes.
    page.goto("/register")
    register(page, "Cat Customer", "cat@example.com")
    log_in(page, "cat@example.com")
    page.goto("/events?q=jazz")
    page.get_by_role("link", name="Jazz Night").click()
    page.get_by_label("Seats").fill("2")
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_role("status")).to_contain_text("Your booking is confirmed")
    figures = page.locator("figure.qr")
    expect(figures).to_have_count(2)
    expect(figures.first.locator("svg")).to_be_visible()
    number = figures.first.get_attribute("data-ticket")
    page.goto("/me/bookings")
    expect(page.get_by_role("heading", name="Upcoming tickets")).to_be_visible()
    log_out(page)

    # The organiser at the door, on a phone: the code field (no camera in headless Chromium).
    phone = _page(browser, server, errors, viewport={"width": 390, "height": 844})
    phone.goto("/login")
    log_in(phone, "ora@example.com")
    phone.goto(org_url + "/door")
    code = _ticket_code(server, number)
    phone.get_by_label("Ticket code").fill(code)
    phone.get_by_role("button", name="Check in").click()
    expect(phone.locator("#door-result")).to_contain_text("Welcome in")
    phone.get_by_label("Ticket code").fill(code)
    phone.get_by_role("button", name="Check in").click()
    result = phone.locator("#door-result")
    expect(result).to_contain_text("Already checked in")
    expect(result).to_contain_text(re.compile(r"already checked in at \d\d:\d\d by Ora Organiser"))
    phone.get_by_label("Ticket code").fill("CDT1.forged.code")
    phone.get_by_role("button", name="Check in").click()
    expect(phone.locator("#door-result")).to_contain_text("Refused")
    page.context.close()
    phone.context.close()
    assert errors == []


def _ticket_code(server: str, number: str | None) -> str:
    """The ticket's code, the text its QR encodes (headless Chromium has no camera to scan
    it with), read from the customer's bookings in the API."""
    login = httpx.post(
        f"{server}/api/v1/auth/login",
        json={"email": "cat@example.com", "password": "correct horse battery"},
    ).json()
    mine = httpx.get(
        f"{server}/api/v1/me/bookings",
        headers={"Authorization": f"Bearer {login['access_token']}"},
    ).json()
    for booking in mine["items"]:
        for ticket in booking["tickets"]:
            if ticket["number"] == number:
                return str(ticket["code"])
    raise AssertionError("the ticket was not found")
