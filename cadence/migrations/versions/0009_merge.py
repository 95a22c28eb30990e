"""Join the module branches (notify, availability/calendar, ticket types, venues) into one head.

Revision ID: 0009_merge
Revises: 0002_notify, 0005_availability_calendar, 0007_ticket_types, 0008_venues
"""

from __future__ import annotations

revision = "0009_merge"
down_revision = ("0002_notify", "0005_availability_calendar", "0007_ticket_types", "0008_venues")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
