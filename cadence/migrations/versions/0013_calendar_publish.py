"""Calendar events book organisation resources; stored CalDAV publish targets

Revision ID: 0013_calendar_publish
Revises: 0012_holidays
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cadence.db

revision = "0013_calendar_publish"
down_revision = "0012_holidays"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_resources",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("resource_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_resources_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["org_resources.id"],
            name=op.f("fk_event_resources_resource_id_org_resources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_resources")),
        sa.UniqueConstraint("event_id", "resource_id", name=op.f("uq_event_resources_event_id")),
    )
    op.create_index(
        op.f("ix_event_resources_resource_id"), "event_resources", ["resource_id"], unique=False
    )
    op.create_table(
        "caldav_targets",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("username", sa.String(length=200), nullable=True),
        sa.Column("password", sa.String(length=500), nullable=True),
        sa.Column("wanted", sa.Integer(), nullable=False),
        sa.Column("published", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_published_at", cadence.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", cadence.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("objects", sa.Integer(), nullable=False),
        sa.Column("created_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_caldav_targets_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caldav_targets")),
    )
    op.create_index(op.f("ix_caldav_targets_org_id"), "caldav_targets", ["org_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_caldav_targets_org_id"), table_name="caldav_targets")
    op.drop_table("caldav_targets")
    op.drop_index(op.f("ix_event_resources_resource_id"), table_name="event_resources")
    op.drop_table("event_resources")
