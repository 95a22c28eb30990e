"""Tables of the leagues app: a season with its teams, grounds, rules, solver runs and games.

Everything hangs off a season and carries its `org_id`, so every query can be scoped by
organisation without a join. Rules name teams and venues by id (not by position), so
reordering or deleting a team never silently retargets a rule; the solver's 0-based indices
are computed when a season is handed to `cadence.solve.season` (see `build.py`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cadence.db import Base, UTCDateTime, id_column


class LeagueSeason(Base):
    __tablename__ = "league_seasons"
    __table_args__ = (Index("ix_league_seasons_org", "org_id"),)

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(8), default="double")  # single | double
    phased: Mapped[bool] = mapped_column(Boolean, default=True)
    mirrored: Mapped[bool] = mapped_column(Boolean, default=False)
    # Kick-off instants, RFC 3339 UTC strings in playing order (one per round).
    slots: Mapped[list[str]] = mapped_column(JSON, default=list)
    game_minutes: Mapped[int] = mapped_column(Integer, default=105)
    publish_count: Mapped[int] = mapped_column(Integer, default=0)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LeagueVenue(Base):
    __tablename__ = "league_venues"
    __table_args__ = (Index("ix_league_venues_season", "season_id"),)

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    season_id: Mapped[str] = mapped_column(ForeignKey("league_seasons.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float, default=None)
    longitude: Mapped[float | None] = mapped_column(Float, default=None)
    unavailable_dates: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO dates, local


class LeagueTeam(Base):
    __tablename__ = "league_teams"
    __table_args__ = (Index("ix_league_teams_season", "season_id"),)

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    season_id: Mapped[str] = mapped_column(ForeignKey("league_seasons.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    venue_id: Mapped[str | None] = mapped_column(
        ForeignKey("league_venues.id", ondelete="SET NULL"), default=None
    )
    member_ids: Mapped[list[str]] = mapped_column(JSON, default=list)  # users of the org
    contact_emails: Mapped[list[str]] = mapped_column(JSON, default=list)


class LeagueRule(Base):
    __tablename__ = "league_rules"
    __table_args__ = (Index("ix_league_rules_season", "season_id"),)

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    season_id: Mapped[str] = mapped_column(ForeignKey("league_seasons.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    hard: Mapped[bool] = mapped_column(Boolean, default=True)
    weight: Mapped[int] = mapped_column(Integer, default=1)
    # {"teams": [team id], "slots": [slot index], "value": int, "home": team id,
    #  "away": team id, "venue": venue id}
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class LeagueRun(Base):
    """One "Generate": a solver job, its live progress and, when done, its games."""

    __tablename__ = "league_runs"
    __table_args__ = (Index("ix_league_runs_season", "season_id"),)

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    season_id: Mapped[str] = mapped_column(ForeignKey("league_seasons.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))  # queued|running|done|cancelled|failed
    seed: Mapped[int] = mapped_column(Integer, default=0)
    time_limit: Mapped[float] = mapped_column(Float)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    best_hard: Mapped[int | None] = mapped_column(Integer, default=None)
    best_cost: Mapped[int | None] = mapped_column(Integer, default=None)
    elapsed: Mapped[float] = mapped_column(Float, default=0.0)
    # [[home team id, away team id, slot index], ...] once finished
    games: Mapped[list[list[Any]] | None] = mapped_column(JSON, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class LeagueGame(Base):
    """A game of the season's schedule; `event_id` is its calendar event once published.

    `dirty` marks a game added or changed since the last publish, so a publish touches (and
    notifies about) exactly what changed.
    """

    __tablename__ = "league_games"
    __table_args__ = (Index("ix_league_games_season", "season_id", "slot"),)

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    season_id: Mapped[str] = mapped_column(ForeignKey("league_seasons.id", ondelete="CASCADE"))
    slot: Mapped[int] = mapped_column(Integer)
    home_team_id: Mapped[str] = mapped_column(ForeignKey("league_teams.id", ondelete="CASCADE"))
    away_team_id: Mapped[str] = mapped_column(ForeignKey("league_teams.id", ondelete="CASCADE"))
    venue_id: Mapped[str | None] = mapped_column(
        ForeignKey("league_venues.id", ondelete="SET NULL"), default=None
    )
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    event_id: Mapped[str | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), default=None
    )
    dirty: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
