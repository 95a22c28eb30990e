"""Placeholder in the migration chain (filled in by the change that needs it)

Revision ID: 0014_notify_settings
Revises: 0013_calendar_publish
"""

from __future__ import annotations

revision = "0014_notify_settings"
down_revision = "0013_calendar_publish"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
