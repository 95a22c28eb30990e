"""Placeholder in the migration chain (filled in by the change that needs it)

Revision ID: 0017_leagues
Revises: 0016_venue_guests
"""

from __future__ import annotations

revision = "0017_leagues"
down_revision = "0016_venue_guests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
