"""Placeholder in the migration chain (filled in by the change that needs it)

Revision ID: 0013_calendar_publish
Revises: 0012_holidays
"""

from __future__ import annotations

revision = "0013_calendar_publish"
down_revision = "0012_holidays"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
