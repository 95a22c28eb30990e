"""Request and response models of find-a-time (the contract's shapes, plus `detail`)."""

from __future__ import annotations

from datetime import UTC, datetime
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
