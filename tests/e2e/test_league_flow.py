"""A league in a real browser: the season wizard, a live generation, the schedule grid with
its drawings, a drag that is checked at once and then kept, and publishing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.steps import log_in, open_page, register

pytestmark = pytest.mark.browser

GROUNDS = [
    ("Rovers", "Riverside Park", "53.4808", "-2.2426"),
    ("United", "Hill Lane", "53.5409", "-2.1114"),
    ("Canal", "Towpath", "53.4631", "-2.2913"),
    ("Athletic", "Moor Road", "53.3900", "-2.3500"),
]


def test_wizard_generate_drag_and_publish(browser: Browser, server: str) -> None:
    errors: list[str] = []
    page = open_page(browser, server, errors, viewport={"width": 1300, "height": 900})
    page.goto("/register")
    register(page, "Lee League", "lee@league.example")
    log_in(page, "lee@league.example")
    page.goto("/orgs/new")
    page.get_by_label("Name").fill("Riverside")
    page.get_by_role("button", name="Create organisation").click()
    expect(page.get_by_role("heading", name="Riverside")).to_be_visible()
    org_url = page.url.rstrip("/")

    # The wizard: a season, four grounds and teams, Sunday kick-offs, one rule.
    page.goto(org_url + "/leagues")
    page.locator("#season-name").fill("Autumn 2030")
    page.get_by_role("button", name="Create season").click()
    expect(page.get_by_role("status")).to_contain_text("Season Autumn 2030 created")
    for team, ground, lat, lon in GROUNDS:
        page.locator("#v-name").fill(ground)
        page.locator("#v-lat").fill(lat)
        page.locator("#v-lon").fill(lon)
        page.get_by_role("button", name="Add ground").click()
        expect(page.get_by_role("status")).to_contain_text(f"Ground {ground} added")
        page.locator("#t-name").fill(team)
        page.locator("#t-venue").select_option(label=ground)
        page.get_by_role("button", name="Add team").click()
        expect(page.get_by_role("status")).to_contain_text(f"Team {team} added")
    page.locator("#s-start").fill("2030-09-01")
    page.get_by_role("button", name="Set slots").click()
    expect(page.get_by_role("status")).to_contain_text("6 playing slots set")
    page.locator("#r-kind").select_option("no_repeaters")
    page.get_by_role("button", name="Add rule").click()
    expect(page.get_by_role("status")).to_contain_text("Rule added")

    # Generate: the progress page follows the run live, then offers its schedule.
    page.locator("#g-limit").fill("2")
    page.get_by_role("button", name="Generate schedule").click()
    expect(page.locator("progress[data-run-bar]")).to_be_visible()
    expect(page.get_by_role("button", name="Use this schedule")).to_be_visible(timeout=45_000)
    expect(page.locator("[data-run-status]")).to_have_text("done")
    page.get_by_role("button", name="Use this schedule").click()
    expect(page).to_have_url(re.compile("/schedule$"))
    expect(page.get_by_role("status")).to_contain_text("Schedule applied")

    # The schedule: 6 rounds x 4 teams, travel bars and the grounds' sketch.
    grid = page.locator("[data-league-grid]")
    expect(grid.locator("tbody tr")).to_have_count(6)
    expect(grid.locator("td.game")).to_have_count(24)
    expect(page.locator(".league-travel rect.bar")).to_have_count(4)
    expect(page.locator(".league-map circle")).to_have_count(4)

    # Drag a game of round 1 onto round 2's header: both teams already play then.
    first_game = grid.locator("tbody tr").nth(0).locator("td.game").first
    game_id = first_game.get_attribute("data-game")
    first_game.drag_to(grid.locator("tbody tr").nth(1).locator("th"))
    check = page.locator("[data-league-check]")
    expect(check).to_be_visible()
    expect(check.locator("[data-check-summary]")).to_contain_text(re.compile("breaks [0-9]+ rule"))
    page.get_by_role("button", name="Undo").click()
    expect(check).to_be_hidden()

    # Drag it onto a game of round 2 instead: a swap, checked, then kept.
    target = grid.locator("tbody tr").nth(1).locator("td.game").first
    target_id = target.get_attribute("data-game")
    first_game.drag_to(target)
    expect(check).to_be_visible()
    page.get_by_role("button", name="Keep this change").click()
    expect(
        grid.locator("tbody tr").nth(1).locator(f'[data-game="{game_id}"]').first
    ).to_be_visible()
    expect(
        grid.locator("tbody tr").nth(0).locator(f'[data-game="{target_id}"]').first
    ).to_be_visible()

    # Publish: the games become calendar events.
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("Published: 12 new")
    # Our own publish, replayed by the live connection of the new page, is not "news".
    page.wait_for_timeout(1500)
    expect(page.locator("[data-stale]")).to_have_count(0)
    assert errors == []
