"""The notification settings page in a real browser: its scripts run under the CSP (no
inline script), the Web Push service worker registers at the site root, and the forms save.
(Subscribing needs a browser vendor's push service, which headless Chromium has not; the
enrolment request itself is covered in tests/integration/notify/test_settings_pages.py.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import PASSWORD

pytestmark = pytest.mark.browser


def test_settings_page_saves_and_registers_the_service_worker(page: Page, server: str) -> None:
    page.goto("/register")
    page.get_by_label("Your name").fill("Nora Notify")
    page.get_by_label("Email").fill("nora@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text("Your account is ready")
    page.goto("/login?next=/account")
    page.get_by_label("Email").fill("nora@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    page.get_by_role("link", name="Notification settings").click()
    expect(page.get_by_role("heading", name="Notifications", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Turn on for this device")).to_be_visible()
    scope = page.evaluate(
        "navigator.serviceWorker.getRegistration('/').then(r => r ? r.scope : null)"
    )
    assert scope == server + "/"

    page.get_by_label("Reminders before events: Email").uncheck()
    page.get_by_role("button", name="Save choices").click()
    expect(page.get_by_role("status").first).to_contain_text("choices are saved")
    expect(page.get_by_label("Reminders before events: Email")).not_to_be_checked()
    expect(page.get_by_label("Reminders before events: In the app")).to_be_checked()

    page.get_by_label("Keep quiet hours").check()
    page.get_by_label("From").fill("21:30")
    page.get_by_label("Until").fill("06:45")
    page.get_by_role("button", name="Save timing").click()
    expect(page.get_by_role("status").first).to_contain_text("timing is saved")
    expect(page.get_by_label("From")).to_have_value("21:30")
