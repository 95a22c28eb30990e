"""Publishing a season: games become calendar events, and the people concerned are told.

A process across engines (calendar, notify, realtime), so it lives apart from the small
read/write services. Only games added or changed since the last publish (`dirty`) are
touched: a new game creates its calendar event (its teams' members as attendees, so it is
in their personal feeds too), a changed one updates its event (the calendar bumps SEQUENCE,
so subscribed calendars take the new time). Each person and each team contact gets one
message per publish that lists their new or changed games; notifications are keyed by the
publish number, so a retried request never notifies twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from cadence.accounts.models import User
from cadence.audit import service as audit
from cadence.calendar import service as calendar
from cadence.calendar.models import Event
from cadence.context import Ctx
from cadence.errors import Conflict
from cadence.leagues import runs, service
from cadence.leagues.models import LeagueGame, LeagueSeason, LeagueTeam, LeagueVenue
from cadence.notify.outbox import queue_email
from cadence.notify.service import notify

NOTIFY_KIND = "league.schedule"


@dataclass
class PublishResult:
    created: int = 0
    updated: int = 0
    notified: int = 0
    lines: dict[str, list[str]] = field(default_factory=dict)  # team id -> changed games


def _title(game: LeagueGame, teams: dict[str, LeagueTeam]) -> str:
    return f"{teams[game.home_team_id].name} v {teams[game.away_team_id].name}"


def _fields(
    season: LeagueSeason,
    game: LeagueGame,
    teams: dict[str, LeagueTeam],
    venues: dict[str, LeagueVenue],
) -> dict[str, Any]:
    assert game.starts_at is not None
    venue = venues.get(game.venue_id or "")
    return {
        "name": _title(game, teams)[:200],
        "starts_at": game.starts_at,
        "ends_at": game.starts_at + timedelta(minutes=season.game_minutes),
        "timezone": season.timezone,
        "venue": venue.name if venue else None,
        "category": "league",
        "description": f"{season.name}, round {game.slot + 1}.",
    }


async def _sync_event(
    ctx: Ctx,
    season: LeagueSeason,
    game: LeagueGame,
    teams: dict[str, LeagueTeam],
    venues: dict[str, LeagueVenue],
    by: str,
) -> bool:
    """Create or update the game's calendar event; True when it was created."""
    fields = _fields(season, game, teams, venues)
    people = list(
        dict.fromkeys(teams[game.home_team_id].member_ids + teams[game.away_team_id].member_ids)
    )
    event = await ctx.session.get(Event, game.event_id) if game.event_id else None
    if event is None or event.org_id != season.org_id or event.status == "cancelled":
        event = await calendar.create_event(
            ctx, org_id=season.org_id, creator_id=by, fields=fields, attendees=people
        )
        game.event_id = event.id
        return True
    await calendar.update_event(ctx, event, version=event.version, changes=fields)
    present = {a.user_id for a in await calendar.attendees_of(ctx, event.id)}
    for user_id in people:
        if user_id not in present:
            await calendar.add_attendee(ctx, event, user_id=user_id, required=False)
    return False


async def publish_season(ctx: Ctx, season: LeagueSeason, *, by: str) -> PublishResult:
    """Publish as `by` (a manager of the organisation: the calendar events' creator)."""
    games = await runs.games_of(ctx, season)
    if not games:
        raise Conflict("This season has no schedule yet: generate and apply one first.")
    if any(g.starts_at is None for g in games):
        raise Conflict("Every game needs a kick-off time: give the season enough slots.")
    teams = {t.id: t for t in await service.rows_of(ctx, LeagueTeam, season)}
    venues = {v.id: v for v in await service.rows_of(ctx, LeagueVenue, season)}
    result = PublishResult()
    zone = ZoneInfo(season.timezone)
    for game in games:
        if not game.dirty and game.event_id is not None:
            continue
        if await _sync_event(ctx, season, game, teams, venues, by):
            result.created += 1
        else:
            result.updated += 1
        game.dirty = False
        assert game.starts_at is not None
        when = game.starts_at.astimezone(zone).strftime("%a %d %b %Y %H:%M")
        venue = venues.get(game.venue_id or "")
        line = f"{when}  {_title(game, teams)}" + (f" at {venue.name}" if venue else "")
        for team_id in (game.home_team_id, game.away_team_id):
            result.lines.setdefault(team_id, []).append(line)
    season.publish_count += 1
    season.published_at = ctx.now()
    await ctx.session.flush()
    result.notified = await _tell(ctx, season, teams, result.lines)
    await audit.record(
        ctx,
        org_id=season.org_id,
        action="league.publish",
        target_type="league_season",
        target_id=season.id,
        after={"created": result.created, "updated": result.updated},
    )
    await runs.schedule_changed(ctx, season, "published")
    return result


async def _tell(
    ctx: Ctx, season: LeagueSeason, teams: dict[str, LeagueTeam], lines: dict[str, list[str]]
) -> int:
    """One message per person (members in-app and by email, contacts by email)."""
    first = season.publish_count == 1
    title = f"{season.name}: {'fixtures published' if first else 'fixtures changed'}"
    per_user: dict[str, list[str]] = {}
    per_email: dict[str, list[str]] = {}
    for team_id, team_lines in lines.items():
        team = teams[team_id]
        for user_id in team.member_ids:
            per_user.setdefault(user_id, []).extend(team_lines)
        for email in team.contact_emails:
            per_email.setdefault(email.lower(), []).extend(team_lines)
    url = f"{ctx.public_url()}/orgs/{season.org_id}/leagues/seasons/{season.id}/schedule"
    count = 0
    for user_id, items in per_user.items():
        user = await ctx.session.get(User, user_id)
        body = "\n".join(sorted(set(items)))
        await notify(
            ctx,
            user_id=user_id,
            kind=NOTIFY_KIND,
            title=title,
            body=body,
            url=url,
            org_id=season.org_id,
            key=f"league:{season.id}:{season.publish_count}:{user_id}",
            email_to=user.email if user else None,
        )
        count += 1
    for email, items in per_email.items():
        await queue_email(
            ctx,
            to=email,
            subject=title,
            text="\n".join(sorted(set(items))),
            kind=NOTIFY_KIND,
            org_id=season.org_id,
        )
        count += 1
    return count
