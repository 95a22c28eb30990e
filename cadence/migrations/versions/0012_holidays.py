"""Holiday calendars per organisation; organisation resources with weekly pattern + exceptions

Revision ID: 0012_holidays
Revises: 0011_import_busy
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cadence.db

revision = "0012_holidays"
down_revision = "0011_import_busy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "holiday_calendars",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("dates", sa.JSON(), nullable=False),
        sa.Column("created_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_holiday_calendars_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holiday_calendars")),
        sa.UniqueConstraint("org_id", "name", name="uq_holiday_calendars_name"),
    )
    op.create_index(
        op.f("ix_holiday_calendars_org_id"), "holiday_calendars", ["org_id"], unique=False
    )
    op.create_table(
        "org_resources",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("weekly", sa.JSON(), nullable=False),
        sa.Column("created_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_org_resources_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_resources")),
        sa.UniqueConstraint("org_id", "name", name="uq_org_resources_name"),
    )
    op.create_index(op.f("ix_org_resources_org_id"), "org_resources", ["org_id"], unique=False)
    op.create_table(
        "org_resource_exceptions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("resource_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("starts_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["org_resources.id"],
            name=op.f("fk_org_resource_exceptions_resource_id_org_resources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_resource_exceptions")),
    )
    op.create_index(
        "ix_org_resource_exceptions_pos",
        "org_resource_exceptions",
        ["resource_id", "position"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_org_resource_exceptions_pos", table_name="org_resource_exceptions")
    op.drop_table("org_resource_exceptions")
    op.drop_index(op.f("ix_org_resources_org_id"), table_name="org_resources")
    op.drop_table("org_resources")
    op.drop_index(op.f("ix_holiday_calendars_org_id"), table_name="holiday_calendars")
    op.drop_table("holiday_calendars")
