"""Request and response models of find-a-time (the contract's shapes, plus `detail`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, PlainSerializer

from cadence.http.schemas import AwareDatetime, Input


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


UtcDatetime = Annotated[datetime, PlainSerializer(_utc, return_type=str)]
UserId = Annotated[str, Field(min_length=1, max_length=64)]


class FindTimeIn(Input):
    duration_minutes: int = Field(ge=1, le=366 * 24 * 60)
    window_start: AwareDatetime
    window_end: AwareDatetime
    granularity_minutes: int = Field(default=15, ge=1, le=366 * 24 * 60)
    required: list[UserId] = Field(default_factory=list, max_length=500)
    optional: list[UserId] = Field(default_factory=list, max_length=500)
    min_attendees: int = Field(default=1, ge=0)
    limit: int = Field(default=10, ge=1, le=100)
    # Beyond the contract: the organisation's resources (rooms, kit) that must all be free.
    resources: list[UserId] = Field(default_factory=list, max_length=50)


class UnavailableOut(BaseModel):
    user_id: str
    reason: str
    detail: str | None = None


class SlotOut(BaseModel):
    starts_at: UtcDatetime
    ends_at: UtcDatetime
    available: list[str]
    if_need_be: list[str]
    unavailable: list[UnavailableOut]


class FindTimeOut(BaseModel):
    items: list[SlotOut]


HHMMText = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")]


class StandingSlotIn(Input):
    duration_minutes: int = Field(ge=1, le=366 * 24 * 60)
    weeks: int = Field(ge=1, le=52)
    first_day: date | None = None
    timezone: str | None = Field(default=None, min_length=1, max_length=64)
    granularity_minutes: int = Field(default=15, ge=1, le=24 * 60)
    required: list[UserId] = Field(default_factory=list, max_length=500)
    optional: list[UserId] = Field(default_factory=list, max_length=500)
    earliest: HHMMText | None = None
    latest: HHMMText | None = None
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] | None = Field(default=None, max_length=7)
    limit: int = Field(default=10, ge=1, le=50)


class MissOut(BaseModel):
    week: int  # 1 = the first week
    day: date  # local date of the occurrence, in the slot's timezone
    starts_at: UtcDatetime
    reason: str  # busy | holiday | outside_availability | no_availability
    detail: str | None = None


class PersonMissesOut(BaseModel):
    user_id: str
    required: bool
    misses: list[MissOut]


class WorstWeekOut(BaseModel):
    week: int
    day: date
    missing: int


class StandingSlotOut(BaseModel):
    weekday: int
    start: str
    timezone: str
    misses_required: int
    misses_total: int
    if_need_be: int
    worst_week: WorstWeekOut
    people: list[PersonMissesOut]


class StandingSlotsOut(BaseModel):
    first_day: date
    weeks: int
    timezone: str
    items: list[StandingSlotOut]
