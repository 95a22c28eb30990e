"""Ticket types' ticket link, booking rules, payments and handled provider events

Revision ID: 0007_ticket_types
Revises: 0003_events
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cadence.db

revision = "0007_ticket_types"
down_revision = "0003_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pool_id", sa.String(length=32), nullable=True))

    op.create_table(
        "booking_rules",
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("hold_minutes", sa.Integer(), nullable=False),
        sa.Column("payment_provider", sa.String(length=32), nullable=False),
        sa.Column("pay_at_door", sa.Boolean(), nullable=False),
        sa.Column("customer_can_cancel", sa.Boolean(), nullable=False),
        sa.Column("cancel_cutoff_hours", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_booking_rules_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_booking_rules")),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("booking_id", sa.String(length=32), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("provider_ref", sa.String(length=255), nullable=True),
        sa.Column("provider_charge", sa.String(length=255), nullable=True),
        sa.Column("checkout_url", sa.Text(), nullable=True),
        sa.Column("created_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("paid_at", cadence.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("refunded_at", cadence.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_payments_booking_id_bookings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_payments_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index("ix_payments_booking", ["booking_id"], unique=False)
        batch_op.create_index(
            "ix_payments_provider_ref", ["provider", "provider_ref"], unique=False
        )
    op.create_table(
        "payment_provider_events",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("received_at", cadence.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_provider_events")),
    )


def downgrade() -> None:
    op.drop_table("payment_provider_events")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_provider_ref")
        batch_op.drop_index("ix_payments_booking")
    op.drop_table("payments")
    op.drop_table("booking_rules")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("pool_id")
