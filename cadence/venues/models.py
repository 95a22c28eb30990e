"""Tables of the venues app: one venue per organisation, its floor, hours and reservations.

Double booking is prevented by `venue_table_occupancy`: a reservation holds one row per
table and per 15-minute slot it covers (turnover buffer included), under the primary key
`(table_id, slot_start)`. Two reservations can therefore never hold the same table at the
same time, whatever the concurrency, on SQLite and on PostgreSQL alike
(docs/decisions/0008-table-occupancy-slots.md).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from cadence.db import Base, UTCDateTime, id_column


class Venue(Base):
    __tablename__ = "venues"

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), unique=True
    )
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text, default=None)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    # [{"weekday": 0-6, "start": "HH:MM", "end": "HH:MM"}]; end <= start runs past midnight
    weekly_hours: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=120)
    turnover_minutes: Mapped[int] = mapped_column(Integer, default=15)
    lead_minutes: Mapped[int] = mapped_column(Integer, default=60)
    horizon_days: Mapped[int] = mapped_column(Integer, default=60)
    max_party_size: Mapped[int] = mapped_column(Integer, default=12)
    approval_party_size: Mapped[int | None] = mapped_column(Integer, default=9)
    deposit_party_size: Mapped[int | None] = mapped_column(Integer, default=8)
    deposit_cents_per_person: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    cancel_cutoff_minutes: Mapped[int] = mapped_column(Integer, default=120)
    # deposit policy (cadence/venues/deposits.py): how guests pay, how long an unpaid
    # online reservation holds its tables, and until when a cancellation gets it back
    deposit_provider: Mapped[str] = mapped_column(String(16), default="manual")
    deposit_hold_minutes: Mapped[int] = mapped_column(Integer, default=0)
    deposit_refund_minutes: Mapped[int] = mapped_column(Integer, default=1440)
    # grows with every change of the floor (tables added, moved, resized, removed): the
    # floor-plan editor saves against the version it loaded, so a stale edit answers 409
    floor_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class VenueArea(Base):
    __tablename__ = "venue_areas"
    __table_args__ = (UniqueConstraint("venue_id", "name", name="uq_venue_areas_name"),)

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)


class VenueTable(Base):
    __tablename__ = "venue_tables"
    __table_args__ = (
        UniqueConstraint("venue_id", "name", name="uq_venue_tables_name"),
        CheckConstraint("seats_min >= 1 AND seats_min <= seats_max", name="seats_range"),
    )

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    area_id: Mapped[str] = mapped_column(ForeignKey("venue_areas.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    seats_min: Mapped[int] = mapped_column(Integer, default=1)
    seats_max: Mapped[int] = mapped_column(Integer)
    combinable: Mapped[bool] = mapped_column(Boolean, default=False)
    neighbours: Mapped[list[str]] = mapped_column(JSON, default=list)  # table ids
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)  # "accessible", "window", ...
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # where the table stands on the floor plan: centre on a 1000 x 600 canvas
    x: Mapped[int] = mapped_column(Integer, default=0)
    y: Mapped[int] = mapped_column(Integer, default=0)
    shape: Mapped[str] = mapped_column(String(8), default="square")  # square|round|long


class VenueHoursException(Base):
    """A dated change of the opening hours: closed that day, or open only `opens`-`closes`."""

    __tablename__ = "venue_hours_exceptions"
    __table_args__ = (Index("ix_venue_hours_exceptions_day", "venue_id", "day"),)

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    closed: Mapped[bool] = mapped_column(Boolean, default=True)
    opens: Mapped[str | None] = mapped_column(String(5), default=None)
    closes: Mapped[str | None] = mapped_column(String(5), default=None)
    note: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class VenueEventNight(Base):
    """A ticketed event of the venue's organisation (cadence.events) held at the venue."""

    __tablename__ = "venue_event_nights"

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deposit_cents_per_person: Mapped[int] = mapped_column(Integer, default=0)


class Reservation(Base):
    __tablename__ = "venue_reservations"
    __table_args__ = (
        Index("ix_venue_reservations_day", "venue_id", "starts_at"),
        Index("ix_venue_reservations_user", "user_id"),
        Index("ix_venue_reservations_guest", "guest_id"),
        Index("ix_venue_reservations_hold", "status", "hold_expires_at"),
        CheckConstraint("party_size >= 1", name="party_positive"),
    )

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    user_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    guest_name: Mapped[str] = mapped_column(String(200))
    guest_email: Mapped[str | None] = mapped_column(String(320), default=None)
    guest_phone: Mapped[str | None] = mapped_column(String(40), default=None)
    party_size: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # pending (awaiting approval) | confirmed | seated | completed | no_show | cancelled
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16), default="online")  # online|staff|walk_in
    area_id: Mapped[str | None] = mapped_column(
        ForeignKey("venue_areas.id", ondelete="SET NULL"), default=None
    )
    event_night_id: Mapped[str | None] = mapped_column(
        ForeignKey("venue_event_nights.id", ondelete="SET NULL"), default=None
    )
    occasion: Mapped[str | None] = mapped_column(String(200), default=None)
    guest_note: Mapped[str | None] = mapped_column(Text, default=None)  # allergies, wishes
    staff_note: Mapped[str | None] = mapped_column(Text, default=None)  # never shown to guests
    deposit_cents: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    deposit_status: Mapped[str] = mapped_column(String(16), default="none")  # none|due|paid|...
    deposit_provider: Mapped[str | None] = mapped_column(String(32), default=None)
    created_by: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    guest_id: Mapped[str | None] = mapped_column(
        ForeignKey("venue_guests.id", ondelete="SET NULL"), default=None
    )
    # an online reservation with a deposit to pay holds its tables until then (status held)
    hold_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    deposit_ref: Mapped[str | None] = mapped_column(String(255), default=None)  # checkout
    deposit_charge: Mapped[str | None] = mapped_column(String(255), default=None)  # to refund
    deposit_checkout_url: Mapped[str | None] = mapped_column(Text, default=None)
    deposit_paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class VenueGuest(Base):
    """A guest in the organisation's guest book: who they are, what staff should know.

    One profile per person and organisation, found by account, then email, then phone
    (`guestbook.profile_for`). Counters are kept by the reservation lifecycle.
    """

    __tablename__ = "venue_guests"
    __table_args__ = (
        UniqueConstraint("org_id", "user_id", name="uq_venue_guests_user"),
        UniqueConstraint("org_id", "email_normalized", name="uq_venue_guests_email"),
        Index("ix_venue_guests_phone", "org_id", "phone"),
    )

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    email_normalized: Mapped[str | None] = mapped_column(String(320), default=None)
    phone: Mapped[str | None] = mapped_column(String(40), default=None)
    notes: Mapped[str | None] = mapped_column(Text, default=None)  # staff only
    preferences: Mapped[str | None] = mapped_column(Text, default=None)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)  # "vip", "allergy:nuts", ...
    visit_count: Mapped[int] = mapped_column(Integer, default=0)
    no_show_count: Mapped[int] = mapped_column(Integer, default=0)
    cancel_count: Mapped[int] = mapped_column(Integer, default=0)
    last_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    marketing_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    marketing_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class VenueGuestTag(Base):
    """One row per tag of a guest: what the guest book filters by, in SQL on both databases.

    `VenueGuest.tags` keeps the tags in the order staff typed them (what every page shows);
    these rows are written with it, in the same place (`guestbook.set_tags`).
    """

    __tablename__ = "venue_guest_tags"
    __table_args__ = (Index("ix_venue_guest_tags_tag", "org_id", "tag", "guest_id"),)

    guest_id: Mapped[str] = mapped_column(
        ForeignKey("venue_guests.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(60), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))


class ReservationTable(Base):
    __tablename__ = "venue_reservation_tables"

    reservation_id: Mapped[str] = mapped_column(
        ForeignKey("venue_reservations.id", ondelete="CASCADE"), primary_key=True
    )
    table_id: Mapped[str] = mapped_column(
        ForeignKey("venue_tables.id", ondelete="CASCADE"), primary_key=True
    )


class TableOccupancy(Base):
    """One row per table and 15-minute slot held by a reservation: the anti-double-booking key."""

    __tablename__ = "venue_table_occupancy"
    __table_args__ = (Index("ix_venue_table_occupancy_reservation", "reservation_id"),)

    table_id: Mapped[str] = mapped_column(
        ForeignKey("venue_tables.id", ondelete="CASCADE"), primary_key=True
    )
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    reservation_id: Mapped[str] = mapped_column(
        ForeignKey("venue_reservations.id", ondelete="CASCADE")
    )
