"""Tables of the calendar engine.

`Event` is the one event table of Cadence: a rehearsal, a shift, a concert with tickets and a
league game are all events. Engines add what they need beside it (the booking engine keeps
capacity pools keyed by `event_id`) instead of keeping events of their own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cadence.db import Base, UTCDateTime, id_column


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_org_starts", "org_id", "starts_at"),)

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(255), unique=True)  # iCalendar UID, never changes
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text, default=None)
    category: Mapped[str | None] = mapped_column(String(100), default=None)
    venue: Mapped[str | None] = mapped_column(String(200), default=None)
    kind: Mapped[str] = mapped_column(String(32), default="general")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))
    rrule: Mapped[str | None] = mapped_column(String(500), default=None)
    exdates: Mapped[list[str]] = mapped_column(JSON, default=list)  # RFC 3339 UTC instants
    rdates: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="confirmed")  # or cancelled
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # grows on every change
    version: Mapped[int] = mapped_column(Integer, default=1)  # optimistic edit check
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class EventOverride(Base):
    """One changed or cancelled occurrence of a recurring event (RECURRENCE-ID)."""

    __tablename__ = "event_overrides"
    __table_args__ = (UniqueConstraint("event_id", "recurrence_id"),)

    id: Mapped[str] = id_column()
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    recurrence_id: Mapped[datetime] = mapped_column(UTCDateTime)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str | None] = mapped_column(String(200), default=None)


class EventAttendee(Base):
    __tablename__ = "event_attendees"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[str] = id_column()
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rsvp: Mapped[str] = mapped_column(String(16), default="needs_action")
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    attended: Mapped[bool | None] = mapped_column(Boolean, default=None)


class CalendarFeed(Base):
    """One revocation of a person's feed URL; their row count is the feed's generation.

    The URL's token is derived from (user id, generation) with the deployment's secret key
    (HMAC), so the database holds nothing that opens a feed by itself (see calendar.feeds).
    """

    __tablename__ = "calendar_feeds"
    __table_args__ = (Index("ix_calendar_feeds_user", "user_id", "revoked_at"),)

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class CalendarImport(Base):
    """An external calendar (pasted text or a URL) whose occurrences are the owner's busy time.

    The text is kept; its occurrences over a bounded horizon (`busy_from`..`busy_until`, read
    in `busy_timezone`) are materialised in `calendar_import_busy` when it is imported or
    refreshed, and a periodic job moves the horizon forward. A window outside the horizon
    (or a person whose zone changed since) is expanded from the text, so recurring events
    without an end stay busy however far ahead someone looks.
    """

    __tablename__ = "calendar_imports"

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(String(200), default=None)
    url: Mapped[str | None] = mapped_column(String(2000), default=None)
    ics: Mapped[str] = mapped_column(Text)
    events: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    busy_from: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    busy_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    busy_timezone: Mapped[str | None] = mapped_column(String(64), default=None)
    busy_longest_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class CalendarImportBusy(Base):
    """One materialised busy occurrence of an import (transparent and cancelled ones left out).

    Times are whole minutes since the Unix epoch (UTC), rounded outwards like the core's
    `Busy`: reading 20,000 integers is several times faster than parsing as many datetimes.
    """

    __tablename__ = "calendar_import_busy"
    __table_args__ = (Index("ix_calendar_import_busy_user_start", "user_id", "start_minute"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    import_id: Mapped[str] = mapped_column(
        ForeignKey("calendar_imports.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text, default=None)
    source: Mapped[str | None] = mapped_column(Text, default=None)


class EventResource(Base):
    """A resource of the event's organisation (room, kit) that the event books.

    An event's occurrences are the resource's busy time, as attended events are a person's.
    """

    __tablename__ = "event_resources"
    __table_args__ = (UniqueConstraint("event_id", "resource_id"),)

    id: Mapped[str] = id_column()
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    resource_id: Mapped[str] = mapped_column(
        ForeignKey("org_resources.id", ondelete="CASCADE"), index=True
    )


class CaldavTarget(Base):
    """A CalDAV collection an organisation's events are published to, kept up to date.

    `wanted` grows in every transaction that changes one of the organisation's events;
    a publish job records the `wanted` it read in `published`, so a change that lands while
    a publish runs is noticed and published again. The password is stored for the worker's
    use only and never leaves through the API.
    """

    __tablename__ = "caldav_targets"

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    username: Mapped[str | None] = mapped_column(String(200), default=None)
    password: Mapped[str | None] = mapped_column(String(500), default=None)
    wanted: Mapped[int] = mapped_column(Integer, default=1)
    published: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | ok | error
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    last_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    objects: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
