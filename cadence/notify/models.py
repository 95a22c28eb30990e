"""Tables of the notifications engine: the email outbox and its attachments, the delivery
log, in-app notifications, preferences, webhooks and Web Push subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from cadence.db import Base, UTCDateTime, id_column


class OutboxEmail(Base):
    """An email to send (status queued → sent, or failed → dead), or to show in the outbox."""

    __tablename__ = "outbox"

    id: Mapped[str] = id_column()
    org_id: Mapped[str | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), default=None, index=True
    )
    kind: Mapped[str] = mapped_column(String(64))
    to_addr: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text, default=None)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text, default=None)


class OutboxAttachment(Base):
    __tablename__ = "outbox_attachments"

    id: Mapped[str] = id_column()
    email_id: Mapped[str] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class DeliveryAttempt(Base):
    """The delivery log: one row per attempt on any channel, with its outcome."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (Index("ix_delivery_attempts_ref", "channel", "ref_id"),)

    id: Mapped[str] = id_column()
    org_id: Mapped[str | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), default=None, index=True
    )
    channel: Mapped[str] = mapped_column(String(16))  # email | webhook | push
    ref_id: Mapped[str] = mapped_column(String(32))  # outbox / webhook delivery / push row
    target: Mapped[str] = mapped_column(String(500))
    attempt: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # sent | failed | dead
    response_code: Mapped[int | None] = mapped_column(Integer, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Notification(Base):
    """An in-app notification of one person; `key` makes a retried delivery a no-op."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    org_id: Mapped[str | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), default=None
    )
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500), default=None)
    key: Mapped[str | None] = mapped_column(String(200), unique=True, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class NotificationPreference(Base):
    """Whether `kind` ("*" for every kind) reaches a person on `channel`; absent = on."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind", "channel"),)

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))  # email | inapp | push
    enabled: Mapped[bool] = mapped_column(Boolean)


class Webhook(Base):
    __tablename__ = "webhooks"

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(100))
    event_types: Mapped[list[str]] = mapped_column(JSON)  # empty: every type
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookDelivery(Base):
    """One event for one webhook; its id is the `Cadence-Delivery` idempotency header."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[str] = id_column()
    webhook_id: Mapped[str] = mapped_column(
        ForeignKey("webhooks.id", ondelete="CASCADE"), index=True
    )
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    response_code: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class PushSubscription(Base):
    __tablename__ = "push_subscriptions"

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NotificationSettings(Base):
    """One person's timing preferences: reminder offsets, quiet hours, digest window.

    Absent row: reminders 24 h and 2 h before, no quiet hours, no digest.
    """

    __tablename__ = "notification_settings"

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    reminder_minutes: Mapped[list[int]] = mapped_column(JSON)  # before the start; [] = none
    quiet_start: Mapped[str | None] = mapped_column(String(5), default=None)  # "22:00", local
    quiet_end: Mapped[str | None] = mapped_column(String(5), default=None)  # "07:00", local
    digest_minutes: Mapped[int | None] = mapped_column(Integer, default=None)  # None: at once


class DigestItem(Base):
    """One change waiting for the person's next digest email (`sent_at` once included)."""

    __tablename__ = "digest_items"
    __table_args__ = (Index("ix_digest_items_user_sent", "user_id", "sent_at"),)

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    org_id: Mapped[str | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), default=None
    )
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class VapidKey(Base):
    """The deployment's one VAPID key pair for Web Push (`name` is always "default")."""

    __tablename__ = "vapid_keys"

    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(32), unique=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_key: Mapped[str] = mapped_column(String(100))  # base64url, uncompressed P-256 point
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
