"""Venues: areas, tables, opening-hour exceptions, event nights, reservations, occupancy

Revision ID: 0008_venues
Revises: 0003_events
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cadence.db

revision = "0008_venues"
down_revision = "0003_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "venues",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("weekly_hours", sa.JSON(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("turnover_minutes", sa.Integer(), nullable=False),
        sa.Column("lead_minutes", sa.Integer(), nullable=False),
        sa.Column("horizon_days", sa.Integer(), nullable=False),
        sa.Column("max_party_size", sa.Integer(), nullable=False),
        sa.Column("approval_party_size", sa.Integer(), nullable=True),
        sa.Column("deposit_party_size", sa.Integer(), nullable=True),
        sa.Column("deposit_cents_per_person", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("cancel_cutoff_minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_venues_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venues")),
        sa.UniqueConstraint("org_id", name=op.f("uq_venues_org_id")),
    )
    op.create_table(
        "venue_areas",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("venue_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_venue_areas_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"],
            ["venues.id"],
            name=op.f("fk_venue_areas_venue_id_venues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_areas")),
        sa.UniqueConstraint("venue_id", "name", name="uq_venue_areas_name"),
    )
    op.create_table(
        "venue_event_nights",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("venue_id", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("starts_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deposit_cents_per_person", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_venue_event_nights_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_venue_event_nights_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"],
            ["venues.id"],
            name=op.f("fk_venue_event_nights_venue_id_venues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_event_nights")),
        sa.UniqueConstraint("event_id", name=op.f("uq_venue_event_nights_event_id")),
    )
    op.create_table(
        "venue_hours_exceptions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("venue_id", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("opens", sa.String(length=5), nullable=True),
        sa.Column("closes", sa.String(length=5), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_venue_hours_exceptions_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"],
            ["venues.id"],
            name=op.f("fk_venue_hours_exceptions_venue_id_venues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_hours_exceptions")),
    )
    op.create_index(
        "ix_venue_hours_exceptions_day", "venue_hours_exceptions", ["venue_id", "day"], unique=False
    )
    op.create_table(
        "venue_reservations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("venue_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("guest_name", sa.String(length=200), nullable=False),
        sa.Column("guest_email", sa.String(length=320), nullable=True),
        sa.Column("guest_phone", sa.String(length=40), nullable=True),
        sa.Column("party_size", sa.Integer(), nullable=False),
        sa.Column("starts_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("area_id", sa.String(length=32), nullable=True),
        sa.Column("event_night_id", sa.String(length=32), nullable=True),
        sa.Column("occasion", sa.String(length=200), nullable=True),
        sa.Column("guest_note", sa.Text(), nullable=True),
        sa.Column("staff_note", sa.Text(), nullable=True),
        sa.Column("deposit_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("deposit_status", sa.String(length=16), nullable=False),
        sa.Column("deposit_provider", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("party_size >= 1", name=op.f("ck_venue_reservations_party_positive")),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["venue_areas.id"],
            name=op.f("fk_venue_reservations_area_id_venue_areas"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_night_id"],
            ["venue_event_nights.id"],
            name=op.f("fk_venue_reservations_event_night_id_venue_event_nights"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_venue_reservations_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_venue_reservations_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"],
            ["venues.id"],
            name=op.f("fk_venue_reservations_venue_id_venues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_reservations")),
    )
    op.create_index(
        "ix_venue_reservations_day", "venue_reservations", ["venue_id", "starts_at"], unique=False
    )
    op.create_index("ix_venue_reservations_user", "venue_reservations", ["user_id"], unique=False)
    op.create_table(
        "venue_tables",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("venue_id", sa.String(length=32), nullable=False),
        sa.Column("area_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("seats_min", sa.Integer(), nullable=False),
        sa.Column("seats_max", sa.Integer(), nullable=False),
        sa.Column("combinable", sa.Boolean(), nullable=False),
        sa.Column("neighbours", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "seats_min >= 1 AND seats_min <= seats_max", name=op.f("ck_venue_tables_seats_range")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["venue_areas.id"],
            name=op.f("fk_venue_tables_area_id_venue_areas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_venue_tables_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"],
            ["venues.id"],
            name=op.f("fk_venue_tables_venue_id_venues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_tables")),
        sa.UniqueConstraint("venue_id", "name", name="uq_venue_tables_name"),
    )
    op.create_table(
        "venue_reservation_tables",
        sa.Column("reservation_id", sa.String(length=32), nullable=False),
        sa.Column("table_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["reservation_id"],
            ["venue_reservations.id"],
            name=op.f("fk_venue_reservation_tables_reservation_id_venue_reservations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["venue_tables.id"],
            name=op.f("fk_venue_reservation_tables_table_id_venue_tables"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "reservation_id", "table_id", name=op.f("pk_venue_reservation_tables")
        ),
    )
    op.create_table(
        "venue_table_occupancy",
        sa.Column("table_id", sa.String(length=32), nullable=False),
        sa.Column("slot_start", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reservation_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["reservation_id"],
            ["venue_reservations.id"],
            name=op.f("fk_venue_table_occupancy_reservation_id_venue_reservations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["venue_tables.id"],
            name=op.f("fk_venue_table_occupancy_table_id_venue_tables"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("table_id", "slot_start", name=op.f("pk_venue_table_occupancy")),
    )
    op.create_index(
        "ix_venue_table_occupancy_reservation",
        "venue_table_occupancy",
        ["reservation_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_venue_table_occupancy_reservation", table_name="venue_table_occupancy")
    op.drop_table("venue_table_occupancy")
    op.drop_table("venue_reservation_tables")
    op.drop_table("venue_tables")
    op.drop_index("ix_venue_reservations_user", table_name="venue_reservations")
    op.drop_index("ix_venue_reservations_day", table_name="venue_reservations")
    op.drop_table("venue_reservations")
    op.drop_index("ix_venue_hours_exceptions_day", table_name="venue_hours_exceptions")
    op.drop_table("venue_hours_exceptions")
    op.drop_table("venue_event_nights")
    op.drop_table("venue_areas")
    op.drop_table("venues")
