"""Materialised busy time of calendar imports (bounded horizon), for one range query per request.

Revision ID: 0011_import_busy
Revises: 0010_reminders_push
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cadence.db

revision = "0011_import_busy"
down_revision = "0010_reminders_push"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing imports have no horizon yet: they are expanded per window until the periodic
    # job `calendar.extend_horizons` materialises them.
    op.add_column(
        "calendar_imports",
        sa.Column("busy_from", cadence.db.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "calendar_imports",
        sa.Column("busy_until", cadence.db.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "calendar_imports", sa.Column("busy_timezone", sa.String(length=64), nullable=True)
    )
    op.add_column(
        "calendar_imports",
        sa.Column("busy_longest_minutes", sa.Integer(), server_default="0", nullable=False),
    )
    op.create_table(
        "calendar_import_busy",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("import_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("end_minute", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["calendar_imports.id"],
            name=op.f("fk_calendar_import_busy_import_id_calendar_imports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_calendar_import_busy_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_import_busy")),
    )
    op.create_index(
        op.f("ix_calendar_import_busy_import_id"),
        "calendar_import_busy",
        ["import_id"],
        unique=False,
    )
    op.create_index(
        "ix_calendar_import_busy_user_start",
        "calendar_import_busy",
        ["user_id", "start_minute"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_calendar_import_busy_user_start", table_name="calendar_import_busy")
    op.drop_index(op.f("ix_calendar_import_busy_import_id"), table_name="calendar_import_busy")
    op.drop_table("calendar_import_busy")
    with op.batch_alter_table("calendar_imports") as batch:
        batch.drop_column("busy_longest_minutes")
        batch.drop_column("busy_timezone")
        batch.drop_column("busy_until")
        batch.drop_column("busy_from")
