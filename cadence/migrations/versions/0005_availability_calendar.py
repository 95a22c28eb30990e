"""Availability patterns and exceptions, calendar feeds and calendar imports

Revision ID: 0005_availability_calendar
Revises: 0003_events
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cadence.db

revision = "0005_availability_calendar"
down_revision = "0003_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "availability_patterns",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("weekly", sa.JSON(), nullable=False),
        sa.Column("updated_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_availability_patterns_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_availability_patterns")),
        sa.UniqueConstraint("user_id", name=op.f("uq_availability_patterns_user_id")),
    )
    op.create_table(
        "availability_exceptions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("starts_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_availability_exceptions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_availability_exceptions")),
    )
    op.create_index(
        "ix_availability_exceptions_user_pos",
        "availability_exceptions",
        ["user_id", "position"],
        unique=False,
    )
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", cadence.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_calendar_feeds_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
    )
    op.create_index(
        "ix_calendar_feeds_user", "calendar_feeds", ["user_id", "revoked_at"], unique=False
    )
    op.create_table(
        "calendar_imports",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("ics", sa.Text(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("created_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("refreshed_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_calendar_imports_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_imports")),
    )
    op.create_index(
        op.f("ix_calendar_imports_user_id"), "calendar_imports", ["user_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_calendar_imports_user_id"), table_name="calendar_imports")
    op.drop_table("calendar_imports")
    op.drop_index("ix_calendar_feeds_user", table_name="calendar_feeds")
    op.drop_table("calendar_feeds")
    op.drop_index("ix_availability_exceptions_user_pos", table_name="availability_exceptions")
    op.drop_table("availability_exceptions")
    op.drop_table("availability_patterns")
