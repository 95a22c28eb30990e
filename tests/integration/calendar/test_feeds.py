"""Calendar feeds (secret, revocable URLs) and per-event `.ics`, as the contract says."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import icalendar
import vobject  # type: ignore[import-untyped]

from tests.integration.conftest import Person, add_member, make_org, signup


async def _event(
    client: httpx.AsyncClient,
    org: str,
    who: Person,
    name: str,
    attendees: list[str],
    **extra: object,
) -> str:
    r = await client.post(
        f"/api/v1/orgs/{org}/calendar-events",
        json={
            "name": name,
            "starts_at": "2027-03-02T19:00:00Z",
            "ends_at": "2027-03-02T21:00:00Z",
            "timezone": "Europe/London",
            "attendees": attendees,
            **extra,
        },
        headers=who.auth,
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def _feed(client: httpx.AsyncClient, who: Person) -> str:
    r = await client.get("/api/v1/me/calendar-feed", headers=who.auth)
    assert r.status_code == 200, r.text
    return str(r.json()["url"])


async def _read(client: httpx.AsyncClient, url: str) -> httpx.Response:
    return await client.get(urlsplit(url).path)


def _summaries(text: str) -> set[str]:
    cal = icalendar.Calendar.from_ical(text)
    return {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}


async def test_feed_holds_attended_and_managed_events_only(client: httpx.AsyncClient) -> None:
    ann, bob = await signup(client, "ann@example.com"), await signup(client, "bob@example.com")
    band = await make_org(client, ann, "Band")
    await add_member(client, band, ann, bob)
    other = await make_org(client, bob, "Bob's own")  # Bob is owner there
    await _event(client, band, ann, "Rehearsal", [bob.id])
    await _event(client, band, ann, "Not for Bob", [])
    declined = await _event(client, band, ann, "Declined gig", [bob.id])
    await _event(client, other, bob, "Bob's org event", [])
    r = await client.post(
        f"/api/v1/calendar-events/{declined}/rsvp", json={"rsvp": "declined"}, headers=bob.auth
    )
    assert r.status_code == 200
    url = await _feed(client, bob)
    r = await _read(client, url)  # no credentials at all
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/calendar")
    assert _summaries(r.text) == {"Rehearsal", "Bob's org event"}
    # Ann owns the band: she sees all its events
    assert _summaries((await _read(client, await _feed(client, ann))).text) == {
        "Rehearsal",
        "Not for Bob",
        "Declined gig",
    }


async def test_feed_parses_with_two_parsers_and_carries_zones(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    band = await make_org(client, ann)
    await _event(client, band, ann, "Weekly", [], rrule="FREQ=WEEKLY;COUNT=10")
    text = (await _read(client, await _feed(client, ann))).text
    cal = icalendar.Calendar.from_ical(text)
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["Europe/London"]
    event = cal.walk("VEVENT")[0]
    assert event["DTSTART"].dt.utcoffset() is not None
    assert event["DTSTART"].dt.hour == 19  # 19:00 GMT on 2 March
    parsed = vobject.readOne(text)
    assert parsed.vevent.summary.value == "Weekly"
    assert parsed.vevent.rrule.value == "FREQ=WEEKLY;COUNT=10"


async def test_get_twice_gives_the_same_url_and_delete_revokes(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    first = await _feed(client, ann)
    assert await _feed(client, ann) == first
    r = await client.delete("/api/v1/me/calendar-feed", headers=ann.auth)
    assert r.status_code == 204
    assert (await _read(client, first)).status_code == 404
    second = await _feed(client, ann)
    assert second != first
    assert (await _read(client, second)).status_code == 200
    assert (await _read(client, first)).status_code == 404


async def test_forged_or_malformed_feed_urls_answer_404(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    url = await _feed(client, ann)
    user_id, generation, _ = urlsplit(url).path.rsplit("/", 1)[1].split(".", 2)
    forged = (
        f"{user_id}.{generation}.{'0' * 40}",
        f"{user_id}.1.{'0' * 40}",
        user_id,
        "nothing",
        f"..{'0' * 40}",
    )
    for token in forged:
        assert (await client.get(f"/api/v1/calendar-feeds/{token}.ics")).status_code == 404


async def test_feed_endpoints_need_a_token_but_the_feed_does_not(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/api/v1/me/calendar-feed")).status_code == 401
    assert (await client.delete("/api/v1/me/calendar-feed")).status_code == 401


async def test_event_ics(client: httpx.AsyncClient) -> None:
    ann, eve = await signup(client, "ann@example.com"), await signup(client, "eve@example.com")
    band = await make_org(client, ann)
    event_id = await _event(client, band, ann, "Rehearsal", [])
    r = await client.get(f"/api/v1/events/{event_id}/ics", headers=ann.auth)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(r.text)
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Rehearsal"
    assert int(vevent["SEQUENCE"]) == 0
    # another organisation's private calendar event: 404, and 401 without a token
    assert (await client.get(f"/api/v1/events/{event_id}/ics", headers=eve.auth)).status_code == 404
    assert (await client.get(f"/api/v1/events/{event_id}/ics")).status_code == 401
    assert (await client.get("/api/v1/events/nope/ics", headers=ann.auth)).status_code == 404


async def test_cancelled_events_stay_in_the_feed_as_cancelled(client: httpx.AsyncClient) -> None:
    ann = await signup(client, "ann@example.com")
    band = await make_org(client, ann)
    event_id = await _event(client, band, ann, "Gig", [])
    r = await client.post(f"/api/v1/calendar-events/{event_id}/cancel", json={}, headers=ann.auth)
    assert r.status_code == 200, r.text
    text = (await _read(client, await _feed(client, ann))).text
    (vevent,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert int(vevent["SEQUENCE"]) == 1
