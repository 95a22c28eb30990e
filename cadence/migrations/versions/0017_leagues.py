"""Leagues: seasons, grounds, teams, rules, solver runs and games

Revision ID: 0017_leagues
Revises: 0016_venue_guests
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cadence.db

revision = "0017_leagues"
down_revision = "0016_venue_guests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "league_seasons",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("phased", sa.Boolean(), nullable=False),
        sa.Column("mirrored", sa.Boolean(), nullable=False),
        sa.Column("slots", sa.JSON(), nullable=False),
        sa.Column("game_minutes", sa.Integer(), nullable=False),
        sa.Column("publish_count", sa.Integer(), nullable=False),
        sa.Column("published_at", cadence.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_league_seasons_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_league_seasons")),
    )
    op.create_index("ix_league_seasons_org", "league_seasons", ["org_id"], unique=False)
    op.create_table(
        "league_rules",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("season_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("hard", sa.Boolean(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_league_rules_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["season_id"],
            ["league_seasons.id"],
            name=op.f("fk_league_rules_season_id_league_seasons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_league_rules")),
    )
    op.create_index("ix_league_rules_season", "league_rules", ["season_id"], unique=False)
    op.create_table(
        "league_runs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("season_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("time_limit", sa.Float(), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("best_hard", sa.Integer(), nullable=True),
        sa.Column("best_cost", sa.Integer(), nullable=True),
        sa.Column("elapsed", sa.Float(), nullable=False),
        sa.Column("games", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("applied_at", cadence.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", cadence.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", cadence.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_league_runs_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_league_runs_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["season_id"],
            ["league_seasons.id"],
            name=op.f("fk_league_runs_season_id_league_seasons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_league_runs")),
    )
    op.create_index("ix_league_runs_season", "league_runs", ["season_id"], unique=False)
    op.create_table(
        "league_venues",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("season_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("unavailable_dates", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_league_venues_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["season_id"],
            ["league_seasons.id"],
            name=op.f("fk_league_venues_season_id_league_seasons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_league_venues")),
    )
    op.create_index("ix_league_venues_season", "league_venues", ["season_id"], unique=False)
    op.create_table(
        "league_teams",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("season_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("venue_id", sa.String(length=32), nullable=True),
        sa.Column("member_ids", sa.JSON(), nullable=False),
        sa.Column("contact_emails", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_league_teams_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["season_id"],
            ["league_seasons.id"],
            name=op.f("fk_league_teams_season_id_league_seasons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"],
            ["league_venues.id"],
            name=op.f("fk_league_teams_venue_id_league_venues"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_league_teams")),
    )
    op.create_index("ix_league_teams_season", "league_teams", ["season_id"], unique=False)
    op.create_table(
        "league_games",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("season_id", sa.String(length=32), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("home_team_id", sa.String(length=32), nullable=False),
        sa.Column("away_team_id", sa.String(length=32), nullable=False),
        sa.Column("venue_id", sa.String(length=32), nullable=True),
        sa.Column("starts_at", cadence.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("event_id", sa.String(length=32), nullable=True),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.Column("updated_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["away_team_id"],
            ["league_teams.id"],
            name=op.f("fk_league_games_away_team_id_league_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_league_games_event_id_events"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["home_team_id"],
            ["league_teams.id"],
            name=op.f("fk_league_games_home_team_id_league_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_league_games_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["season_id"],
            ["league_seasons.id"],
            name=op.f("fk_league_games_season_id_league_seasons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"],
            ["league_venues.id"],
            name=op.f("fk_league_games_venue_id_league_venues"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_league_games")),
    )
    op.create_index("ix_league_games_season", "league_games", ["season_id", "slot"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_league_games_season", table_name="league_games")
    op.drop_table("league_games")
    op.drop_index("ix_league_teams_season", table_name="league_teams")
    op.drop_table("league_teams")
    op.drop_index("ix_league_venues_season", table_name="league_venues")
    op.drop_table("league_venues")
    op.drop_index("ix_league_runs_season", table_name="league_runs")
    op.drop_table("league_runs")
    op.drop_index("ix_league_rules_season", table_name="league_rules")
    op.drop_table("league_rules")
    op.drop_index("ix_league_seasons_org", table_name="league_seasons")
    op.drop_table("league_seasons")
