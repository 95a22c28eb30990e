"""Request and response models of the events and bookings API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Self

from pydantic import Field, model_validator

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


class BookingItemIn(Input):
    ticket_type_id: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=0, le=10_000)


class BookingIn(Input):
    """`{quantity}` for plain seats (or an event's only ticket type), or `{items}` by type."""

    quantity: int | None = Field(default=None, ge=1, le=10_000)
    items: list[BookingItemIn] | None = Field(default=None, min_length=1, max_length=50)

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if self.quantity is None and not self.items:
            raise ValueError("send a quantity, or items by ticket type")
        return self


class TicketOut(Output):
    id: str
    number: str
    code: str
    status: str
    ticket_type_id: str | None = None


class BookingOut(Output):
    id: str
    event_id: str
    status: str
    quantity: int
    tickets: list[TicketOut]
    hold_expires_at: datetime | None = None
    created_at: datetime
    total_cents: int = 0
    currency: str = "EUR"
    payment_provider: str | None = None
    payment_status: str | None = None
    checkout_url: str | None = None


class TicketTypeCreate(Input):
    name: Name
    price_cents: int = Field(ge=0, le=100_000_000)
    currency: str = Field(default="EUR", min_length=3, max_length=3)
    quota: int = Field(ge=0, le=1_000_000)
    max_per_order: int | None = Field(default=None, ge=1, le=10_000)
    sales_start: AwareDatetime | None = None
    sales_end: AwareDatetime | None = None


class TicketTypeUpdate(Input):
    name: Name | None = None
    price_cents: int | None = Field(default=None, ge=0, le=100_000_000)
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    quota: int | None = Field(default=None, ge=0, le=1_000_000)
    max_per_order: int | None = Field(default=None, ge=1, le=10_000)
    sales_start: AwareDatetime | None = None
    sales_end: AwareDatetime | None = None


class TicketTypeOut(Output):
    id: str
    event_id: str
    name: str
    price_cents: int
    currency: str
    quota: int
    sold: int
    available: int
    max_per_order: int | None
    sales_start: datetime | None
    sales_end: datetime | None
    on_sale: bool


class BookingRulesIn(Input):
    hold_minutes: int | None = Field(default=None, ge=1, le=1440)
    payment_provider: Literal["manual", "stripe"] | None = None
    pay_at_door: bool | None = None
    customer_can_cancel: bool | None = None
    cancel_cutoff_hours: int | None = Field(default=None, ge=0, le=8760)


class BookingRulesOut(Output):
    event_id: str
    hold_minutes: int
    payment_provider: str
    pay_at_door: bool
    customer_can_cancel: bool
    cancel_cutoff_hours: int


class CheckoutOut(Output):
    booking_id: str
    provider: str
    checkout_url: str | None


class WebhookOut(Output):
    received: bool


class WaitlistStatsOut(Output):
    event_id: str
    waiting: int
    offered: int
    converted: int
    expired: int
    left: int
    offers_made: int
    conversion_rate: float | None


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


class AnalyticsDayOut(Output):
    day: date
    bookings: int
    seats: int
    revenue_cents: int
    cancelled: int


class AnalyticsOut(Output):
    """An event's figures; rates are 0-1, None where there is nothing to divide by."""

    event_id: str
    currency: str
    capacity: int
    days: list[AnalyticsDayOut]
    bookings_confirmed: int
    seats_confirmed: int
    revenue_cents: int
    holds_started: int
    holds_paid: int
    hold_conversion: float | None
    waitlist: WaitlistStatsOut
    sold_out_at: datetime | None
    sell_out_seconds: float | None
    tickets_issued: int
    checked_in: int
    checkin_rate: float | None
    no_shows: int | None
