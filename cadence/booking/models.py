"""Tables of the booking engine.

Capacity lives in `capacity_pools.taken`, changed only by conditional UPDATEs inside the
transaction that books (`taken + n <= capacity`), so two buyers can never both get the last
seat, on PostgreSQL (row lock taken by the UPDATE) or SQLite (writers serialised).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from cadence.db import Base, UTCDateTime, id_column


class CapacityPool(Base):
    """Seats of an event, a ticket type's quota, or a table."""

    __tablename__ = "capacity_pools"
    __table_args__ = (
        CheckConstraint("taken >= 0 AND taken <= capacity", name="taken_within_capacity"),
        Index("ix_capacity_pools_event", "event_id"),
    )

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    event_id: Mapped[str | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), default=None
    )
    kind: Mapped[str] = mapped_column(String(16), default="seats")  # seats | ticket_type | table
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    price_cents: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    max_per_order: Mapped[int | None] = mapped_column(Integer, default=None)
    sales_start: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    sales_end: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_event_status", "event_id", "status"),
        Index("ix_bookings_user", "user_id"),
    )

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[str] = mapped_column(String(16))  # held | confirmed | cancelled | expired
    quantity: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    payment_provider: Mapped[str | None] = mapped_column(String(32), default=None)
    payment_ref: Mapped[str | None] = mapped_column(String(255), default=None)
    hold_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    cancelled_by: Mapped[str | None] = mapped_column(String(32), default=None)
    waitlist_entry_id: Mapped[str | None] = mapped_column(String(32), default=None)


class BookingItem(Base):
    """How many units a booking draws from one pool."""

    __tablename__ = "booking_items"

    id: Mapped[str] = id_column()
    booking_id: Mapped[str] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    pool_id: Mapped[str] = mapped_column(ForeignKey("capacity_pools.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_cents: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    booking_id: Mapped[str] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(32), unique=True)
    code: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="valid")  # valid | used | void
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    checked_in_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    pool_id: Mapped[str | None] = mapped_column(String(32), default=None)  # its ticket type


class WaitlistEntry(Base):
    __tablename__ = "waitlist_entries"
    __table_args__ = (Index("ix_waitlist_event_status", "event_id", "status"),)

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    # waiting | offered | converted | expired | left
    offer_booking_id: Mapped[str | None] = mapped_column(String(32), default=None)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SigningKey(Base):
    """An organisation's Ed25519 key for ticket codes; the public half goes to door scanners."""

    __tablename__ = "signing_keys"

    org_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    private_key: Mapped[bytes] = mapped_column(LargeBinary)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class BookingRules(Base):
    """An event's booking rules: how long unpaid holds last, how it is paid, who may cancel."""

    __tablename__ = "booking_rules"

    event_id: Mapped[str] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    hold_minutes: Mapped[int] = mapped_column(Integer, default=15)
    payment_provider: Mapped[str] = mapped_column(String(32), default="manual")  # manual|stripe
    pay_at_door: Mapped[bool] = mapped_column(Boolean, default=False)
    customer_can_cancel: Mapped[bool] = mapped_column(Boolean, default=True)
    cancel_cutoff_hours: Mapped[int] = mapped_column(Integer, default=0)


class Payment(Base):
    """One attempt to be paid for a booking, with one provider."""

    __tablename__ = "payments"
    __table_args__ = (
        Index("ix_payments_booking", "booking_id"),
        Index("ix_payments_provider_ref", "provider", "provider_ref"),
    )

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(32))
    # pending | paid | due_at_door | expired | refund_pending | refunded | cancelled
    status: Mapped[str] = mapped_column(String(16), default="pending")
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    provider_ref: Mapped[str | None] = mapped_column(String(255), default=None)
    provider_charge: Mapped[str | None] = mapped_column(String(255), default=None)
    checkout_url: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class ProviderEvent(Base):
    """A webhook event already handled (providers deliver at least once)."""

    __tablename__ = "payment_provider_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
