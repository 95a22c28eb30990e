"""Placeholder in the migration chain (filled in by the change that needs it)

Revision ID: 0016_venue_guests
Revises: 0015_booking_analytics
"""

from __future__ import annotations

revision = "0016_venue_guests"
down_revision = "0015_booking_analytics"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
