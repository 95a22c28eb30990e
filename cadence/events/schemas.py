"""Request and response models of the events and bookings API."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from cadence.http.schemas import AwareDatetime, Input, Name, Output

Text = str


class EventCreate(Input):
    name: Name
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    capacity: int = Field(ge=0, le=1_000_000)
    description: str | None = Field(default=None, max_length=10_000)
    category: str | None = Field(default=None, max_length=100)
    venue: str | None = Field(default=None, max_length=200)
    draft: bool = False
    timezone: str | None = Field(default=None, max_length=64)


class EventUpdate(Input):
    version: int | None = Field(
        default=None, ge=1, description="The version you edited; a stale one answers 409"
    )
    name: Name | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    capacity: int | None = Field(default=None, ge=0, le=1_000_000)
    description: str | None = Field(default=None, max_length=10_000)
    category: str | None = Field(default=None, max_length=100)
    venue: str | None = Field(default=None, max_length=200)


class EventOut(Output):
    id: str
    org_id: str
    name: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    capacity: int
    available: int
    description: str | None
    category: str | None
    venue: str | None
    status: str
    published: bool
    version: int


class QuantityIn(Input):
    quantity: int = Field(ge=1, le=10_000)


class TicketOut(Output):
    id: str
    number: str
    code: str
    status: str


class BookingOut(Output):
    id: str
    event_id: str
    status: str
    quantity: int
    tickets: list[TicketOut]
    hold_expires_at: datetime | None = None
    created_at: datetime


class CancelledOut(Output):
    id: str
    status: str


class WaitlistOut(Output):
    id: str
    event_id: str
    quantity: int
    position: int
    status: str
    offer_booking_id: str | None = None
    offer_expires_at: datetime | None = None


class CheckinIn(Input):
    code: str = Field(min_length=1, max_length=2000)


class CheckinOut(Output):
    ticket_id: str
    status: str
    number: str
    event_id: str
    checked_in_at: datetime | None


class TicketKeyOut(Output):
    org_id: str
    algorithm: str
    public_key_pem: str
    format: str
