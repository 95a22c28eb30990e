"""Holiday calendars per organisation (whole local days applied as unavailable)

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


def downgrade() -> None:
    op.drop_index(op.f("ix_holiday_calendars_org_id"), table_name="holiday_calendars")
    op.drop_table("holiday_calendars")
