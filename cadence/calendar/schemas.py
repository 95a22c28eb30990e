"""Request and response models of the calendar API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from cadence.findtime.schemas import UserId, UtcDatetime
from cadence.http.schemas import AwareDatetime, Input, Name

Rsvp = Literal["needs_action", "accepted", "tentative", "declined"]


class FeedOut(BaseModel):
    url: str


class ImportIn(Input):
    ics: str | None = Field(default=None, min_length=1)
    url: str | None = Field(default=None, min_length=1, max_length=2000)
    name: str | None = Field(default=None, max_length=200)


class ImportOut(BaseModel):
    id: str
    events: int
    name: str | None = None
    url: str | None = None
    created_at: UtcDatetime
    refreshed_at: UtcDatetime


class ImportPage(BaseModel):
    items: list[ImportOut]
    next_cursor: str | None = None


class EventIn(Input):
    name: Name
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    timezone: str | None = Field(default=None, max_length=64)
    rrule: str | None = Field(default=None, min_length=1, max_length=500)
    exdates: list[AwareDatetime] = Field(default_factory=list, max_length=500)
    description: str | None = Field(default=None, max_length=10_000)
    category: str | None = Field(default=None, max_length=100)
    venue: str | None = Field(default=None, max_length=200)
    attendees: list[UserId] = Field(default_factory=list, max_length=500)
    resources: list[UserId] = Field(default_factory=list, max_length=50)


class EventUpdate(Input):
    version: int = Field(ge=1)
    name: Name | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    timezone: str | None = Field(default=None, max_length=64)
    rrule: str | None = Field(default=None, min_length=1, max_length=500)
    exdates: list[AwareDatetime] | None = Field(default=None, max_length=500)
    description: str | None = Field(default=None, max_length=10_000)
    category: str | None = Field(default=None, max_length=100)
    venue: str | None = Field(default=None, max_length=200)
    resources: list[UserId] | None = Field(default=None, max_length=50)  # replaces the list


class CancelIn(Input):
    version: int | None = Field(default=None, ge=1)


class OverrideIn(Input):
    recurrence_id: AwareDatetime
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    cancelled: bool = False
    name: Name | None = None


class AttendeeIn(Input):
    user_id: UserId
    required: bool = False


class RsvpIn(Input):
    rsvp: Rsvp


class AttendeeOut(BaseModel):
    user_id: str
    rsvp: str
    required: bool


class OverrideOut(BaseModel):
    recurrence_id: UtcDatetime
    starts_at: UtcDatetime | None
    ends_at: UtcDatetime | None
    cancelled: bool
    name: str | None


class ConflictOut(BaseModel):
    user_id: str
    starts_at: UtcDatetime
    ends_at: UtcDatetime
    busy_starts_at: UtcDatetime
    busy_ends_at: UtcDatetime
    title: str | None


class ResourceConflictOut(BaseModel):
    resource_id: str
    starts_at: UtcDatetime
    ends_at: UtcDatetime
    reason: str  # busy (booked by another event) | closed (outside its opening time)
    busy_starts_at: UtcDatetime | None = None
    busy_ends_at: UtcDatetime | None = None
    title: str | None = None


class EventOut(BaseModel):
    id: str
    org_id: str
    uid: str
    name: str
    starts_at: UtcDatetime
    ends_at: UtcDatetime
    timezone: str
    rrule: str | None
    exdates: list[str]
    description: str | None
    category: str | None
    venue: str | None
    status: str
    sequence: int
    version: int
    attendees: list[AttendeeOut] = []
    overrides: list[OverrideOut] = []
    conflicts: list[ConflictOut] = []
    resources: list[str] = []
    resource_conflicts: list[ResourceConflictOut] = []


class EventPage(BaseModel):
    items: list[EventOut]
    next_cursor: str | None = None


class OccurrenceOut(BaseModel):
    event_id: str
    org_id: str
    name: str
    starts_at: UtcDatetime
    ends_at: UtcDatetime
    recurrence_id: UtcDatetime
    status: str


class OccurrencePage(BaseModel):
    items: list[OccurrenceOut]
    next_cursor: str | None = None


class CaldavPublishIn(Input):
    url: str = Field(min_length=1, max_length=2000)
    username: str | None = Field(default=None, max_length=200)
    password: str | None = Field(default=None, max_length=500)


class CaldavPublishOut(BaseModel):
    published: int
    removed: int


class CaldavTargetIn(Input):
    url: str = Field(min_length=1, max_length=2000)
    username: str | None = Field(default=None, max_length=200)
    password: str | None = Field(default=None, max_length=500)


class CaldavTargetUpdate(Input):
    """Fields sent are changed; `password: null` removes the stored password."""

    url: str | None = Field(default=None, min_length=1, max_length=2000)
    username: str | None = Field(default=None, max_length=200)
    password: str | None = Field(default=None, max_length=500)


class CaldavTargetOut(BaseModel):
    """A publish target; the password is never returned, only whether one is stored."""

    id: str
    org_id: str
    url: str
    username: str | None
    has_password: bool
    status: str  # pending (not published yet) | ok | error
    up_to_date: bool  # the last successful publish includes every change so far
    last_error: str | None
    last_published_at: UtcDatetime | None
    last_attempt_at: UtcDatetime | None
    objects: int  # calendar objects (one per event series) in the last successful publish
    created_at: UtcDatetime


class CaldavTargetPage(BaseModel):
    items: list[CaldavTargetOut]
    next_cursor: str | None = None
