"""Venues: the floor's version (optimistic floor-plan edits) and guest tags as rows

Revision ID: 0018_venue_floor_and_guest_tags
Revises: 0017_leagues
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_venue_floor_and_guest_tags"
down_revision = "0017_leagues"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("floor_version", sa.Integer(), server_default="1", nullable=False)
        )
    op.create_table(
        "venue_guest_tags",
        sa.Column("guest_id", sa.String(length=32), nullable=False),
        sa.Column("tag", sa.String(length=60), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["guest_id"],
            ["venue_guests.id"],
            name=op.f("fk_venue_guest_tags_guest_id_venue_guests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_venue_guest_tags_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("guest_id", "tag", name=op.f("pk_venue_guest_tags")),
    )
    with op.batch_alter_table("venue_guest_tags", schema=None) as batch_op:
        batch_op.create_index("ix_venue_guest_tags_tag", ["org_id", "tag", "guest_id"])
    _copy_tags()


def _copy_tags() -> None:
    """Every guest's JSON list of tags, as rows (normalised as `guestbook.clean_tags` does)."""
    guests = sa.table(
        "venue_guests",
        sa.column("id", sa.String),
        sa.column("org_id", sa.String),
        sa.column("tags", sa.JSON),
    )
    tags = sa.table(
        "venue_guest_tags",
        sa.column("guest_id", sa.String),
        sa.column("tag", sa.String),
        sa.column("org_id", sa.String),
    )
    conn = op.get_bind()
    rows = []
    query = sa.select(guests.c.id, guests.c.org_id, guests.c.tags)
    for guest_id, org_id, values in conn.execute(query):
        seen: set[str] = set()
        for value in values or []:
            tag = " ".join(str(value).split()).lower()[:60]
            if tag and tag not in seen:
                seen.add(tag)
                rows.append({"guest_id": guest_id, "tag": tag, "org_id": org_id})
    if rows:
        op.bulk_insert(tags, rows)


def downgrade() -> None:
    with op.batch_alter_table("venue_guest_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_venue_guest_tags_tag")
    op.drop_table("venue_guest_tags")
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.drop_column("floor_version")
