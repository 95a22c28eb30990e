"""Organiser analytics: sales per day, conversions, sell-out, check-in; JSON, CSV and page."""

from __future__ import annotations

import csv
import io
import re

import httpx

from tests.integration.booking.helpers import event_of, organiser, ticket_type
from tests.integration.conftest import signup
from tests.integration.web.test_pages import create_org, register_and_login


async def test_analytics_count_sales_conversions_sell_out_and_check_in(
    client: httpx.AsyncClient,
) -> None:
    owner, org = await organiser(client)
    event = await event_of(client, owner, org, capacity=4)
    await ticket_type(client, owner, event["id"], price_cents=1500, quota=4)
    fans = [await signup(client, f"fan{i}@example.com") for i in range(4)]
    bookings = []
    for fan, quantity in zip(fans[:3], (2, 1, 1), strict=True):
        r = await client.post(
            f"/api/v1/events/{event['id']}/bookings", json={"quantity": quantity}, headers=fan.auth
        )
        assert r.status_code == 201, r.text
        bookings.append(r.json())
    # Two of three holds are paid; the third is given up, which un-sells the event.
    for held in bookings[:2]:
        r = await client.post(f"/api/v1/bookings/{held['id']}/mark-paid", headers=owner.auth)
        assert r.status_code == 200, r.text
    r = await client.post(f"/api/v1/bookings/{bookings[2]['id']}/cancel", headers=fans[2].auth)
    assert r.status_code == 200
    r = await client.post(
        f"/api/v1/events/{event['id']}/waitlist", json={"quantity": 3}, headers=fans[3].auth
    )
    assert r.status_code == 201
    paid = (await client.get(f"/api/v1/bookings/{bookings[0]['id']}", headers=fans[0].auth)).json()
    r = await client.post(
        f"/api/v1/orgs/{org}/checkin", json={"code": paid["tickets"][0]["code"]}, headers=owner.auth
    )
    assert r.status_code == 200

    r = await client.get(f"/api/v1/events/{event['id']}/analytics", headers=owner.auth)
    assert r.status_code == 200, r.text
    figures = r.json()
    assert figures["capacity"] == 4 and figures["currency"] == "EUR"
    assert figures["bookings_confirmed"] == 2 and figures["seats_confirmed"] == 3
    assert figures["revenue_cents"] == 4500
    assert (figures["holds_started"], figures["holds_paid"]) == (3, 2)
    assert figures["hold_conversion"] == round(2 / 3, 4)
    assert figures["sold_out_at"] is not None and figures["sell_out_seconds"] >= 0
    assert figures["waitlist"]["waiting"] == 1 and figures["waitlist"]["offers_made"] == 0
    assert (figures["tickets_issued"], figures["checked_in"]) == (3, 1)
    assert figures["checkin_rate"] == round(1 / 3, 4)
    assert figures["no_shows"] is None  # the event has not happened yet
    [day] = figures["days"]
    assert (day["bookings"], day["seats"], day["revenue_cents"], day["cancelled"]) == (
        2,
        3,
        4500,
        1,
    )

    r = await client.get(f"/api/v1/events/{event['id']}/analytics.csv", headers=owner.auth)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows == [
        ["day", "bookings", "seats", "revenue_cents", "cancelled"],
        [day["day"], "2", "3", "4500", "1"],
    ]
    # Customers and other organisations see nothing.
    for who in (fans[0], await signup(client, "other@example.com")):
        r = await client.get(f"/api/v1/events/{event['id']}/analytics", headers=who.auth)
        assert r.status_code == 404


async def test_the_analytics_page_draws_charts_without_script(client: httpx.AsyncClient) -> None:
    token = await register_and_login(client, "ora@example.com", "Ora")
    org = (await create_org(client, token, "Evently")).rsplit("/", 1)[1]
    form = {
        "name": "Jazz Night",
        "starts_at": "2030-05-01T20:00",
        "ends_at": "2030-05-01T23:00",
        "capacity": "3",
        "csrf_token": token,
    }
    r = await client.post(f"/orgs/{org}/events", data=form)
    event = r.headers["location"].split("/")[2]
    r = await client.post(f"/events/{event}/publish", data={"csrf_token": token})
    r = await client.post(f"/events/{event}/book", data={"quantity": "2", "csrf_token": token})
    assert r.status_code == 303, r.text
    page = await client.get(f"/events/{event}/analytics")
    assert page.status_code == 200, page.text
    assert "<svg" in page.text and "<rect" in page.text
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text)  # no inline script
    assert "2 of 3 seats" in page.text and "analytics.csv" in page.text
    manage = await client.get(f"/events/{event}/manage")
    assert f"/events/{event}/analytics" in manage.text


async def test_organisers_set_booking_rules_and_a_sales_window_on_the_page(
    client: httpx.AsyncClient,
) -> None:
    token = await register_and_login(client, "ora@example.com", "Ora")
    org = (await create_org(client, token, "Evently")).rsplit("/", 1)[1]
    form = {
        "name": "Jazz Night",
        "starts_at": "2030-05-01T20:00",
        "ends_at": "2030-05-01T23:00",
        "capacity": "3",
        "csrf_token": token,
    }
    event = (await client.post(f"/orgs/{org}/events", data=form)).headers["location"].split("/")[2]
    rules = {
        "hold_minutes": "45",
        "cancel_cutoff_hours": "24",
        "payment_provider": "manual",
        "pay_at_door": "1",
        "csrf_token": token,
    }
    r = await client.post(f"/events/{event}/booking-rules", data=rules)
    assert r.status_code == 303, r.text
    r = await client.post(
        f"/events/{event}/ticket-types",
        data={
            "name": "Early bird",
            "price": "12.50",
            "quota": "2",
            "max_per_order": "2",
            "sales_start": "2030-01-01T09:00",
            "sales_end": "2030-02-01T09:00",
            "csrf_token": token,
        },
    )
    assert r.status_code == 303, r.text
    page = await client.get(f"/events/{event}/manage")
    assert 'name="hold_minutes" type="number"' in page.text and 'value="45"' in page.text
    assert 'value="24"' in page.text and "Early bird" in page.text
    bad = await client.post(f"/events/{event}/booking-rules", data={**rules, "hold_minutes": "0"})
    assert bad.status_code == 303
    page = await client.get(f"/events/{event}/manage")
    assert "Holds last between 1 and" in page.text and 'value="45"' in page.text


async def test_organisers_edit_a_ticket_type_on_the_page(client: httpx.AsyncClient) -> None:
    token = await register_and_login(client, "ora@example.com", "Ora")
    org = (await create_org(client, token, "Evently")).rsplit("/", 1)[1]
    form = {
        "name": "Jazz Night",
        "starts_at": "2030-05-01T20:00",
        "ends_at": "2030-05-01T23:00",
        "capacity": "10",
        "csrf_token": token,
    }
    event = (await client.post(f"/orgs/{org}/events", data=form)).headers["location"].split("/")[2]
    added = {
        "name": "Early bird",
        "price": "12.50",
        "quota": "5",
        "sales_end": "2030-02-01T09:00",
        "csrf_token": token,
    }
    assert (await client.post(f"/events/{event}/ticket-types", data=added)).status_code == 303
    page = await client.get(f"/events/{event}/manage")
    found = re.search(rf"/events/{event}/ticket-types/([0-9a-f]{{32}})", page.text)
    assert found, page.text
    edit_url = f"/events/{event}/ticket-types/{found.group(1)}"
    assert 'value="2030-02-01T09:00"' in page.text  # the window is shown in the event's zone

    changed = {"name": "Early", "price": "9", "quota": "3", "max_per_order": "2"}
    r = await client.post(edit_url, data={**changed, "csrf_token": token})
    assert r.status_code == 303, r.text
    page = await client.get(f"/events/{event}/manage")
    assert "Early saved." in page.text and "9.00" in page.text
    assert 'value="2030-02-01T09:00"' not in page.text  # an emptied field clears the window

    bad = await client.post(edit_url, data={**changed, "price": "nine", "csrf_token": token})
    assert bad.status_code == 303
    page = await client.get(f"/events/{event}/manage")
    assert "Give the price as a number." in page.text and "9.00" in page.text
