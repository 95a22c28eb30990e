"""Placeholder in the migration chain (filled in by the change that needs it)

Revision ID: 0015_booking_analytics
Revises: 0014_notify_settings
"""

from __future__ import annotations

revision = "0015_booking_analytics"
down_revision = "0014_notify_settings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
