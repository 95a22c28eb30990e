"""Tables of the availability engine.

A person's weekly pattern is one row holding its zone and its ranges (JSON): it is always
read and replaced whole, exactly as the API exposes it. Exceptions are rows of their own,
ordered by `position` (a per-person counter), because "the one created last applies" must
not depend on two ids created in the same millisecond.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cadence.db import Base, UTCDateTime, id_column


class WeeklyAvailability(Base):
    __tablename__ = "availability_patterns"

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    timezone: Mapped[str] = mapped_column(String(64))
    # [{"weekday": 0-6, "start": "HH:MM", "end": "HH:MM", "level": "available"|"if_need_be"}]
    weekly: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AvailabilityException(Base):
    __tablename__ = "availability_exceptions"
    __table_args__ = (Index("ix_availability_exceptions_user_pos", "user_id", "position"),)

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # creation order per person; later wins
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    level: Mapped[str] = mapped_column(String(16))  # unavailable | available | if_need_be
    note: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OrgHolidayCalendar(Base):
    """A named list of whole local days (in the organisation's zone) when its members are
    unavailable for that organisation's find-a-time and standing-slot searches."""

    __tablename__ = "holiday_calendars"
    __table_args__ = (UniqueConstraint("org_id", "name", name="uq_holiday_calendars_name"),)

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    dates: Mapped[list[str]] = mapped_column(JSON, default=list)  # sorted "YYYY-MM-DD"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OrgResource(Base):
    """A room, venue or piece of kit of an organisation, with its weekly opening pattern
    (same JSON shape and validation as a person's) and its own exceptions."""

    __tablename__ = "org_resources"
    __table_args__ = (UniqueConstraint("org_id", "name", name="uq_org_resources_name"),)

    id: Mapped[str] = id_column()
    org_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64))
    weekly: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OrgResourceException(Base):
    __tablename__ = "org_resource_exceptions"
    __table_args__ = (Index("ix_org_resource_exceptions_pos", "resource_id", "position"),)

    id: Mapped[str] = id_column()
    resource_id: Mapped[str] = mapped_column(ForeignKey("org_resources.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # creation order; later wins
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    level: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
