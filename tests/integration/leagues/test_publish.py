"""Publish: games become calendar events and feeds, people are told; changes tell them again."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from cadence.notify.models import OutboxEmail
from tests.integration.leagues.helpers import League, generate, league


async def _emails(app: FastAPI, to: str) -> list[OutboxEmail]:
    async with app.state.cadence.sessions() as session:
        rows = await session.scalars(
            select(OutboxEmail).where(OutboxEmail.to_addr == to).order_by(OutboxEmail.id)
        )
        return list(rows)


async def _published(client: httpx.AsyncClient) -> League:
    lg = await league(client)
    run = await generate(client, lg)
    applied = await client.post(f"{lg.base}/runs/{run['id']}/apply", headers=lg.manager.auth)
    assert applied.status_code == 200, applied.text
    refused = await client.post(f"{lg.base}/publish", headers=lg.player.auth)
    assert refused.status_code == 403
    r = await client.post(f"{lg.base}/publish", headers=lg.manager.auth)
    assert r.status_code == 200, r.text
    assert r.json() == {"created": 12, "updated": 0, "notified": 2, "publish_count": 1}
    return lg


async def test_publish_makes_calendar_events_feeds_and_notifications(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    lg = await _published(client)
    events = await client.get(
        f"/api/v1/orgs/{lg.org_id}/calendar-events?limit=100", headers=lg.manager.auth
    )
    items = events.json()["items"]
    assert len(items) == 12
    schedule = (await client.get(f"{lg.base}/schedule", headers=lg.manager.auth)).json()
    games = [g for r in schedule["rounds"] for g in r["games"]]
    assert {g["event_id"] for g in games} == {e["id"] for e in items}
    assert not any(g["dirty"] for g in games)
    # The player's team plays 6 games: they are in the player's personal calendar feed.
    feed = await client.get("/api/v1/me/calendar-feed", headers=lg.player.auth)
    ics = (await client.get(feed.json()["url"].removeprefix("http://testserver"))).text
    assert ics.count("BEGIN:VEVENT") == 6
    assert "Riverside Rovers v " in ics or " v Riverside Rovers" in ics
    # Team and ground feeds: secret URLs, no login.
    feeds = (await client.get(f"{lg.base}/feeds", headers=lg.player.auth)).json()["items"]
    team_feed = next(f for f in feeds if f["kind"] == "team" and f["id"] == lg.teams[0])
    venue_feed = next(f for f in feeds if f["kind"] == "venue" and f["id"] == lg.venues[1])
    team_ics = await client.get(team_feed["url"].removeprefix("http://testserver"))
    assert team_ics.status_code == 200
    assert team_ics.headers["content-type"].startswith("text/calendar")
    assert team_ics.text.count("BEGIN:VEVENT") == 6
    venue_ics = await client.get(venue_feed["url"].removeprefix("http://testserver"))
    assert venue_ics.text.count("BEGIN:VEVENT") == 3  # home games of Hillside United
    forged = team_feed["url"].removeprefix("http://testserver").replace(".ics", "0.ics")
    assert (await client.get(forged)).status_code == 404
    # The member is told in the app (and by email); the team's contact by email.
    notes = (await client.get("/api/v1/notifications", headers=lg.player.auth)).json()["items"]
    assert [n["kind"] for n in notes] == ["league.schedule"]
    assert "fixtures published" in notes[0]["title"]
    assert len(await _emails(app, "captain@rovers.example")) == 1
    # Publishing again with nothing changed touches nothing and tells nobody.
    again = await client.post(f"{lg.base}/publish", headers=lg.manager.auth)
    assert again.json()["created"] == 0 and again.json()["updated"] == 0
    assert again.json()["notified"] == 0


async def test_a_moved_game_updates_its_event_and_notifies_again(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    lg = await _published(client)
    schedule = (await client.get(f"{lg.base}/schedule", headers=lg.manager.auth)).json()
    rovers = lg.teams[0]
    first = next(
        g
        for g in schedule["rounds"][0]["games"]
        if rovers in (g["home_team_id"], g["away_team_id"])
    )
    other = next(
        g
        for g in schedule["rounds"][1]["games"]
        if rovers in (g["home_team_id"], g["away_team_id"])
    )
    before = (
        await client.get(f"/api/v1/calendar-events/{first['event_id']}", headers=lg.manager.auth)
    ).json()
    swap = await client.post(
        f"{lg.base}/schedule/swap",
        json={"game_id": first["id"], "other_game_id": other["id"], "persist": True},
        headers=lg.manager.auth,
    )
    assert swap.status_code == 200, swap.text
    r = await client.post(f"{lg.base}/publish", headers=lg.manager.auth)
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 0 and r.json()["updated"] == 2
    assert r.json()["publish_count"] == 2
    after = (
        await client.get(f"/api/v1/calendar-events/{first['event_id']}", headers=lg.manager.auth)
    ).json()
    assert after["starts_at"] == other["starts_at"] != before["starts_at"]
    assert after["sequence"] > before["sequence"]
    notes = (await client.get("/api/v1/notifications", headers=lg.player.auth)).json()["items"]
    assert len(notes) == 2 and "fixtures changed" in notes[0]["title"]
    assert len(await _emails(app, "captain@rovers.example")) == 2


async def test_new_kick_off_times_move_published_games_and_deleting_a_team_cancels(
    client: httpx.AsyncClient,
) -> None:
    lg = await _published(client)
    later = {"slot_pattern": {"start": "2030-09-08", "weekday": 6, "kick_off": "15:00"}}
    r = await client.patch(lg.base, json=later, headers=lg.manager.auth)
    assert r.status_code == 200, r.text
    schedule = (await client.get(f"{lg.base}/schedule", headers=lg.manager.auth)).json()
    games = [g for r in schedule["rounds"] for g in r["games"]]
    assert all(g["dirty"] for g in games)
    assert schedule["rounds"][0]["starts_at"] == "2030-09-08T14:00:00Z"
    r = await client.post(f"{lg.base}/publish", headers=lg.manager.auth)
    assert r.json()["updated"] == 12 and r.json()["created"] == 0
    event = await client.get(
        f"/api/v1/calendar-events/{games[0]['event_id']}", headers=lg.manager.auth
    )
    assert event.json()["starts_at"] == games[0]["starts_at"]
    # A team leaves: its games go, and their calendar events are cancelled.
    gone = await client.delete(f"{lg.base}/teams/{lg.teams[3]}", headers=lg.manager.auth)
    assert gone.status_code == 204
    theirs = [g for g in games if lg.teams[3] in (g["home_team_id"], g["away_team_id"])]
    for g in theirs:
        ev = await client.get(f"/api/v1/calendar-events/{g['event_id']}", headers=lg.manager.auth)
        assert ev.json()["status"] == "cancelled"
    left = (await client.get(f"{lg.base}/schedule", headers=lg.manager.auth)).json()
    assert sum(len(r["games"]) for r in left["rounds"]) == 12 - len(theirs)


async def test_renaming_a_team_republishes_its_games(client: httpx.AsyncClient) -> None:
    lg = await _published(client)
    r = await client.patch(
        f"{lg.base}/teams/{lg.teams[1]}", json={"name": "Hillside City"}, headers=lg.manager.auth
    )
    assert r.status_code == 200, r.text
    schedule = (await client.get(f"{lg.base}/schedule", headers=lg.manager.auth)).json()
    dirty = [g for r in schedule["rounds"] for g in r["games"] if g["dirty"]]
    assert len(dirty) == 6
    assert all(lg.teams[1] in (g["home_team_id"], g["away_team_id"]) for g in dirty)
    published = await client.post(f"{lg.base}/publish", headers=lg.manager.auth)
    assert published.json()["updated"] == 6
    event = await client.get(
        f"/api/v1/calendar-events/{dirty[0]['event_id']}", headers=lg.manager.auth
    )
    assert "Hillside City" in event.json()["name"]
