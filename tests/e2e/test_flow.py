"""Flow 3 of the foundation issue, in a real browser against a real server.

Register, log in, create an organisation, invite someone by email (the link is shown), log
out, register and log in as the invited person, accept through the link, log back in as the
owner, change their role, log out; with the bad-input checks along the way.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import log_in, log_out, register

SCREENSHOT = Path(tempfile.gettempdir()) / "cadence-members-phone.png"

pytestmark = pytest.mark.browser


def test_flow_3_register_invite_accept_change_role(page: Page) -> None:
    # Register, with bad input first: a bad email and a short password are both explained.
    page.goto("/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Your name").fill("Olive Owner")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#email-error")).to_contain_text("valid email address")
    expect(page.locator("#password-error")).to_contain_text("at least 10 characters")
    expect(page.get_by_label("Your name")).to_have_value("Olive Owner")
    register(page, "Olive Owner", "olive@example.com")

    log_in(page, "olive@example.com")
    expect(page.get_by_role("heading", name="Hello, Olive Owner")).to_be_visible()

    # Create an organisation; an empty name is refused next to the field.
    page.get_by_role("link", name="New organisation").click()  # on the dashboard
    page.get_by_label("Timezone").select_option("Europe/London")
    page.get_by_role("button", name="Create organisation").click()
    expect(page.locator("#name-error")).to_contain_text("required")
    page.get_by_label("Name").fill("The Night Owls")
    page.get_by_role("button", name="Create organisation").click()
    expect(page.get_by_role("heading", name="The Night Owls")).to_be_visible()
    expect(page.get_by_text("Europe/London")).to_be_visible()
    org_url = page.url

    # Invite someone by email: the link is shown to the inviter.
    page.get_by_role("navigation", name="Organisation").get_by_role("link", name="Members").click()
    page.get_by_label("Email").fill("bo@example.com")
    page.get_by_label("Role", exact=True).select_option("member")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("heading", name="Invitation sent to bo@example.com")).to_be_visible()
    link = page.get_by_label("Invitation link").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/invitations/[\w-]+", link)
    expect(page.get_by_text("bo@example.com").last).to_be_visible()
    log_out(page)

    # The invited person opens the link, registers, logs in and lands back on it.
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/login\?next=/invitations/"))
    page.get_by_role("link", name="Create an account").click()
    register(page, "Bo Member", "bo@example.com")
    log_in(page, "bo@example.com")
    expect(page.get_by_role("heading", name="Join The Night Owls")).to_be_visible()
    page.get_by_role("button", name="Accept invitation").click()
    expect(page.get_by_role("status")).to_contain_text("You joined The Night Owls as member")
    assert page.url == org_url
    log_out(page)

    # The owner comes back and makes Bo a manager (an htmx swap of the row).
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    log_in(page, "olive@example.com")
    page.get_by_role("link", name="The Night Owls").click()
    page.get_by_role("navigation", name="Organisation").get_by_role("link", name="Members").click()
    row = page.locator("tr", has_text="bo@example.com")
    row.get_by_label("Role of Bo Member").select_option("manager")
    row.get_by_role("button", name="Save").click()
    expect(page.locator("tr", has_text="bo@example.com")).to_contain_text(
        "Bo Member is now manager"
    )
    page.reload()
    expect(page.get_by_label("Role of Bo Member")).to_have_value("manager")

    # At phone width the members page must stay usable; the screenshot is for a human look.
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.set_viewport_size({"width": 1200, "height": 900})

    log_out(page)
    page.goto(org_url + "/members")
    expect(page).to_have_url(re.compile(r"/login\?next=/orgs/"))


def test_org_switcher_navigates(page: Page) -> None:
    page.goto("/register")
    register(page, "Sam Switch", "sam@example.com")
    log_in(page, "sam@example.com")
    for name in ("Alpha Band", "Beta Venue"):
        page.goto("/orgs/new")
        page.get_by_label("Name").fill(name)
        page.get_by_role("button", name="Create organisation").click()
        expect(page.get_by_role("heading", name=name)).to_be_visible()
    page.get_by_label("Switch organisation").select_option(label="Alpha Band")
    expect(page.get_by_role("heading", name="Alpha Band")).to_be_visible()
