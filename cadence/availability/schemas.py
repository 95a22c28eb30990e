"""Request and response models of the availability API (the contract's shapes)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from cadence.findtime.schemas import UtcDatetime
from cadence.http.schemas import AwareDatetime, Input

HHMM = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")]
PatternLevel = Literal["available", "if_need_be"]
ExceptionLevel = Literal["unavailable", "available", "if_need_be"]


class WeeklyRangeIO(BaseModel):
    weekday: int = Field(ge=0, le=6)
    start: HHMM
    end: HHMM
    level: PatternLevel = "available"


class AvailabilityIn(Input):
    timezone: str = Field(min_length=1, max_length=64)
    weekly: list[WeeklyRangeIO] = Field(max_length=7 * 96)


class AvailabilityOut(BaseModel):
    timezone: str
    weekly: list[WeeklyRangeIO]
    updated_at: UtcDatetime | None = None


class ExceptionIn(Input):
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    level: ExceptionLevel
    note: str | None = Field(default=None, max_length=200)


class ExceptionOut(BaseModel):
    id: str
    starts_at: UtcDatetime
    ends_at: UtcDatetime
    level: ExceptionLevel
    note: str | None = None


class ExceptionPage(BaseModel):
    items: list[ExceptionOut]
    next_cursor: str | None = None
