"""Venues: the guest book, deposit holds and policy, table positions on the floor plan

Revision ID: 0016_venue_guests
Revises: 0013_calendar_publish
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cadence.db

revision = "0016_venue_guests"
down_revision = "0013_calendar_publish"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "venue_guests",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("email_normalized", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("preferences", sa.Text(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("visit_count", sa.Integer(), nullable=False),
        sa.Column("no_show_count", sa.Integer(), nullable=False),
        sa.Column("cancel_count", sa.Integer(), nullable=False),
        sa.Column("last_visit_at", cadence.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("marketing_consent", sa.Boolean(), nullable=False),
        sa.Column("marketing_consent_at", cadence.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_venue_guests_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_venue_guests_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_guests")),
        sa.UniqueConstraint("org_id", "email_normalized", name="uq_venue_guests_email"),
        sa.UniqueConstraint("org_id", "user_id", name="uq_venue_guests_user"),
    )
    with op.batch_alter_table("venue_guests", schema=None) as batch_op:
        batch_op.create_index("ix_venue_guests_phone", ["org_id", "phone"], unique=False)

    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "deposit_provider", sa.String(length=16), server_default="manual", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("deposit_hold_minutes", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("deposit_refund_minutes", sa.Integer(), server_default="1440", nullable=False)
        )

    with op.batch_alter_table("venue_tables", schema=None) as batch_op:
        batch_op.add_column(sa.Column("x", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("y", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("shape", sa.String(length=8), server_default="square", nullable=False)
        )

    with op.batch_alter_table("venue_reservations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guest_id", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("hold_expires_at", cadence.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("deposit_ref", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("deposit_charge", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("deposit_checkout_url", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("deposit_paid_at", cadence.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_venue_reservations_guest_id_venue_guests"),
            "venue_guests",
            ["guest_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_venue_reservations_guest", ["guest_id"], unique=False)
        batch_op.create_index(
            "ix_venue_reservations_hold", ["status", "hold_expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("venue_reservations", schema=None) as batch_op:
        batch_op.drop_index("ix_venue_reservations_hold")
        batch_op.drop_index("ix_venue_reservations_guest")
        batch_op.drop_constraint(
            batch_op.f("fk_venue_reservations_guest_id_venue_guests"), type_="foreignkey"
        )
        batch_op.drop_column("deposit_paid_at")
        batch_op.drop_column("deposit_checkout_url")
        batch_op.drop_column("deposit_charge")
        batch_op.drop_column("deposit_ref")
        batch_op.drop_column("hold_expires_at")
        batch_op.drop_column("guest_id")
    with op.batch_alter_table("venue_tables", schema=None) as batch_op:
        batch_op.drop_column("shape")
        batch_op.drop_column("y")
        batch_op.drop_column("x")
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.drop_column("deposit_refund_minutes")
        batch_op.drop_column("deposit_hold_minutes")
        batch_op.drop_column("deposit_provider")
    with op.batch_alter_table("venue_guests", schema=None) as batch_op:
        batch_op.drop_index("ix_venue_guests_phone")
    op.drop_table("venue_guests")
