"""Request and response models of the venues API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field, field_validator

from cadence.http.schemas import AwareDatetime, Input, Name, Output

HHMM = str
Note = str


def _hhmm(value: str | None) -> str | None:
    if value is None:
        return None
    from cadence.time.layers import parse_hhmm

    try:
        parse_hhmm(value)
    except ValueError as exc:
        raise ValueError(str(exc)) from None
    return value


# --- venue settings ------------------------------------------------------------------------


class VenueIn(Input):
    name: Name
    timezone: str = Field(max_length=64)
    description: str | None = Field(default=None, max_length=5000)
    published: bool = False
    slot_minutes: int = Field(default=120, ge=15, le=720, multiple_of=15)
    turnover_minutes: int = Field(default=15, ge=0, le=240)
    lead_minutes: int = Field(default=60, ge=0, le=10080)
    horizon_days: int = Field(default=60, ge=1, le=366)
    max_party_size: int = Field(default=12, ge=1, le=200)
    approval_party_size: int | None = Field(default=9, ge=1, le=200)
    deposit_party_size: int | None = Field(default=8, ge=1, le=200)
    deposit_cents_per_person: int = Field(default=0, ge=0, le=1_000_000)
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    cancel_cutoff_minutes: int = Field(default=120, ge=0, le=10080)


class VenueOut(Output):
    id: str
    org_id: str
    name: str
    timezone: str
    description: str | None
    published: bool
    slot_minutes: int
    turnover_minutes: int
    lead_minutes: int
    horizon_days: int
    max_party_size: int
    approval_party_size: int | None
    deposit_party_size: int | None
    deposit_cents_per_person: int
    currency: str
    cancel_cutoff_minutes: int


class PublicVenueOut(Output):
    id: str
    name: str
    timezone: str
    description: str | None
    max_party_size: int
    slot_minutes: int
    areas: list[AreaOut]


# --- hours ---------------------------------------------------------------------------------


class HoursEntryIn(Input):
    weekday: int = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday")
    start: HHMM = Field(description="local opening time HH:MM")
    end: HHMM = Field(description="local closing time HH:MM; not after start = past midnight")

    _check = field_validator("start", "end")(_hhmm)


class HoursIn(Input):
    weekly: list[HoursEntryIn] = Field(max_length=50)


class HoursOut(Output):
    timezone: str
    weekly: list[HoursEntryIn]


class ExceptionIn(Input):
    day: date
    closed: bool = True
    opens: HHMM | None = None
    closes: HHMM | None = None
    note: str | None = Field(default=None, max_length=200)

    _check = field_validator("opens", "closes")(_hhmm)


class ExceptionOut(Output):
    id: str
    day: date
    closed: bool
    opens: str | None
    closes: str | None
    note: str | None


# --- floor ---------------------------------------------------------------------------------


class AreaIn(Input):
    name: Name
    position: int = Field(default=0, ge=0, le=10_000)


class AreaUpdate(Input):
    name: Name | None = None
    position: int | None = Field(default=None, ge=0, le=10_000)


class AreaOut(Output):
    id: str
    name: str
    position: int


class TableIn(Input):
    name: Name
    area_id: str = Field(max_length=64)
    seats_min: int = Field(default=1, ge=1, le=200)
    seats_max: int = Field(ge=1, le=200)
    combinable: bool = False
    neighbours: list[str] = Field(default_factory=list, max_length=20)
    tags: list[str] = Field(default_factory=list, max_length=20)
    position: int = Field(default=0, ge=0, le=10_000)


class TableUpdate(Input):
    name: Name | None = None
    area_id: str | None = Field(default=None, max_length=64)
    seats_min: int | None = Field(default=None, ge=1, le=200)
    seats_max: int | None = Field(default=None, ge=1, le=200)
    combinable: bool | None = None
    neighbours: list[str] | None = Field(default=None, max_length=20)
    tags: list[str] | None = Field(default=None, max_length=20)
    position: int | None = Field(default=None, ge=0, le=10_000)
    active: bool | None = None


class TableOut(Output):
    id: str
    name: str
    area_id: str
    seats_min: int
    seats_max: int
    combinable: bool
    neighbours: list[str]
    tags: list[str]
    position: int
    active: bool


# --- reservations --------------------------------------------------------------------------


class ReservationRequest(Input):
    """A guest's request: a time, a party size, optionally an area and notes."""

    starts_at: AwareDatetime
    party_size: int = Field(ge=1, le=200)
    area_id: str | None = Field(default=None, max_length=64)
    guest_name: Name | None = None
    guest_phone: str | None = Field(default=None, max_length=40)
    occasion: str | None = Field(default=None, max_length=200)
    guest_note: Note | None = Field(default=None, max_length=2000)


class StaffReservationIn(Input):
    """Staff taking a reservation by phone, or seating a walk-in (source `walk_in`)."""

    starts_at: AwareDatetime
    party_size: int = Field(ge=1, le=200)
    guest_name: Name
    guest_email: str | None = Field(default=None, max_length=320)
    guest_phone: str | None = Field(default=None, max_length=40)
    area_id: str | None = Field(default=None, max_length=64)
    table_ids: list[str] | None = Field(
        default=None, max_length=10, description="choose the tables instead of assigning"
    )
    source: Literal["staff", "walk_in"] = "staff"
    occasion: str | None = Field(default=None, max_length=200)
    guest_note: Note | None = Field(default=None, max_length=2000)
    staff_note: Note | None = Field(default=None, max_length=2000)


class ReservationChange(Input):
    """A guest moving their reservation (within the venue's cancellation cutoff)."""

    starts_at: AwareDatetime | None = None
    party_size: int | None = Field(default=None, ge=1, le=200)
    occasion: str | None = Field(default=None, max_length=200)
    guest_note: Note | None = Field(default=None, max_length=2000)


class StaffReservationUpdate(Input):
    staff_note: Note | None = Field(default=None, max_length=2000)
    guest_note: Note | None = Field(default=None, max_length=2000)
    table_ids: list[str] | None = Field(default=None, min_length=1, max_length=10)
    deposit_status: Literal["due", "paid", "waived", "refunded"] | None = None


Status = Literal["confirmed", "seated", "completed", "no_show", "cancelled"]


class StatusIn(Input):
    status: Status


class TableRef(Output):
    id: str
    name: str


class DepositOut(Output):
    amount_cents: int
    currency: str
    status: str
    provider: str | None


class ReservationOut(Output):
    id: str
    venue_id: str
    venue_name: str
    org_id: str
    guest_name: str
    party_size: int
    starts_at: datetime
    ends_at: datetime
    status: str
    area_id: str | None
    tables: list[TableRef]
    occasion: str | None
    guest_note: str | None
    deposit: DepositOut
    event_night_id: str | None
    version: int


class StaffReservationOut(ReservationOut):
    user_id: str | None
    guest_email: str | None
    guest_phone: str | None
    source: str
    staff_note: str | None


class TimeOut(Output):
    starts_at: datetime
    ends_at: datetime


class TimesOut(Output):
    day: date
    party_size: int
    times: list[TimeOut]


class EventNightIn(Input):
    name: Name
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    capacity: int = Field(ge=0, le=1_000_000)
    description: str | None = Field(default=None, max_length=10_000)
    deposit_cents_per_person: int = Field(default=0, ge=0, le=1_000_000)
    draft: bool = False


class EventNightOut(Output):
    id: str
    event_id: str
    name: str
    starts_at: datetime
    ends_at: datetime
    deposit_cents_per_person: int


class FloorTableOut(Output):
    table: TableOut
    reservations: list[StaffReservationOut]


class FloorOut(Output):
    day: date
    timezone: str
    opens: list[TimeOut]
    areas: list[AreaOut]
    tables: list[FloorTableOut]
    unassigned: list[StaffReservationOut]
    event_nights: list[EventNightOut]


PublicVenueOut.model_rebuild()
