"""Calendar feeds per team and per ground: secret URLs a club pins in any calendar app.

Like the personal feed of the calendar engine, the URL carries `<kind>-<id>.<HMAC>` under
the deployment's secret key, so nothing stored opens a feed by itself and the URL needs no
login (calendar apps cannot log in). The games' calendar events are rendered by the calendar
engine's own iCalendar code, so a team feed and a member's personal feed agree exactly.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import or_, select

from cadence.calendar.feeds import calendar_events
from cadence.calendar.models import Event
from cadence.context import Ctx
from cadence.errors import NotFound
from cadence.leagues.models import LeagueGame, LeagueTeam, LeagueVenue
from cadence.time.ical import to_ics

FEED_PATH = "/api/v1/league-feeds/{token}.ics"
KINDS: dict[str, type[LeagueTeam] | type[LeagueVenue]] = {
    "team": LeagueTeam,
    "venue": LeagueVenue,
}


def _mac(secret: str, kind: str, row_id: str) -> str:
    message = f"league-feed:{kind}:{row_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:40]


def feed_url(ctx: Ctx, *, kind: str, row_id: str) -> str:
    token = f"{kind}-{row_id}.{_mac(ctx.settings.secret_key, kind, row_id)}"
    return ctx.public_url() + FEED_PATH.format(token=token)


async def feed_ics(ctx: Ctx, *, token: str) -> bytes:
    """The feed of a token; 404 for anything forged, malformed or deleted."""
    head, _, mac = token.partition(".")
    kind, _, row_id = head.partition("-")
    model = KINDS.get(kind)
    if model is None or not row_id or len(row_id) > 64 or not mac:
        raise NotFound("No such calendar feed.")
    if not hmac.compare_digest(mac, _mac(ctx.settings.secret_key, kind, row_id)):
        raise NotFound("No such calendar feed.")
    row: LeagueTeam | LeagueVenue | None = await ctx.session.get(model, row_id)
    if row is None:
        raise NotFound("No such calendar feed.")
    if isinstance(row, LeagueTeam):
        which = or_(LeagueGame.home_team_id == row.id, LeagueGame.away_team_id == row.id)
    else:
        which = LeagueGame.venue_id == row.id
    event_ids = select(LeagueGame.event_id).where(
        LeagueGame.org_id == row.org_id, LeagueGame.season_id == row.season_id, which
    )
    events = list(
        (
            await ctx.session.scalars(
                select(Event)
                .where(Event.org_id == row.org_id, Event.id.in_(event_ids))
                .order_by(Event.starts_at, Event.id)
            )
        ).all()
    )
    return to_ics(await calendar_events(ctx, events), name=row.name)
