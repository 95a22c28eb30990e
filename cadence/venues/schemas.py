"""Request and response models of the venues API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import Query
from pydantic import Field, field_validator

from cadence.http.schemas import AwareDatetime, Input, Name, Output, Page

HHMM = str
Note = str
Shape = Literal["square", "round", "long"]
ServiceDay = Annotated[date, Query(ge=date(1900, 1, 1), le=date(9000, 12, 31))]
"""A service day in a query string; far-away years would overflow the zone arithmetic."""


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
    deposit_provider: Literal["manual", "stripe"] = Field(
        default="manual", description="manual: pay at the door or by hand; stripe: online"
    )
    deposit_hold_minutes: int = Field(
        default=0, ge=0, le=10080, description="hold online reservations until paid; 0: no hold"
    )
    deposit_refund_minutes: int = Field(
        default=1440, ge=0, le=43200, description="guests cancelling this early get it back"
    )


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
    deposit_provider: str
    deposit_hold_minutes: int
    deposit_refund_minutes: int
    floor_version: int


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
    x: int = Field(default=0, ge=0, le=1000, description="centre on the 1000 x 600 floor plan")
    y: int = Field(default=0, ge=0, le=600)
    shape: Shape = "square"


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
    x: int | None = Field(default=None, ge=0, le=1000)
    y: int | None = Field(default=None, ge=0, le=600)
    shape: Shape | None = None


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
    x: int
    y: int
    shape: str


class PositionIn(Input):
    id: str = Field(max_length=64, description="a table of the venue")
    x: float = Field(ge=0, le=1000, allow_inf_nan=False, description="centre, 0-1000")
    y: float = Field(ge=0, le=600, allow_inf_nan=False, description="centre, 0-600")


class LayoutIn(Input):
    """New centres of some (or all) tables, saved together against the version edited."""

    floor_version: int = Field(
        ge=1, le=2_147_483_647, description="the version you edited; a stale one is 409"
    )
    tables: list[PositionIn] = Field(min_length=1, max_length=500)


class LayoutTableOut(Output):
    id: str
    name: str
    area_id: str
    seats_min: int
    seats_max: int
    combinable: bool
    neighbours: list[str]
    active: bool
    shape: str
    x: int = Field(description="centre as drawn (tables never placed: on the default grid)")
    y: int
    w: int = Field(description="footprint width (a circle's diameter)")
    h: int
    placed: bool = Field(description="false: never placed, drawn on the default grid")


class LayoutOut(Output):
    floor_version: int
    width: int
    height: int
    tables: list[LayoutTableOut]


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
    marketing_consent: bool | None = Field(
        default=None, description="the guest agrees to hear from the venue; omitted: unchanged"
    )


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
    guest_id: str | None = Field(
        default=None, max_length=64, description="a profile of the guest book"
    )
    marketing_consent: bool | None = None


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
    held_until: datetime | None = None
    checkout_url: str | None = None


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
    guest_id: str | None = None
    guest: GuestBrief | None = None


class GuestBrief(Output):
    """What the floor shows of a guest: tags and history at a glance."""

    id: str
    tags: list[str]
    visit_count: int
    no_show_count: int


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
    state: str = Field(
        default="free", description="now: free, reserved (next within 2 h), held, seated, off"
    )


class FloorOut(Output):
    day: date
    timezone: str
    floor_version: int = 1
    opens: list[TimeOut]
    areas: list[AreaOut]
    tables: list[FloorTableOut]
    unassigned: list[StaffReservationOut]
    event_nights: list[EventNightOut]


# --- guest book ----------------------------------------------------------------------------


class GuestIn(Input):
    name: Name
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)
    notes: Note | None = Field(default=None, max_length=5000)
    preferences: Note | None = Field(default=None, max_length=2000)
    tags: list[str] = Field(default_factory=list, max_length=30)
    marketing_consent: bool = False


class GuestUpdate(Input):
    name: Name | None = None
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)
    notes: Note | None = Field(default=None, max_length=5000)
    preferences: Note | None = Field(default=None, max_length=2000)
    tags: list[str] | None = Field(default=None, max_length=30)
    marketing_consent: bool | None = None


class GuestOut(Output):
    id: str
    name: str
    email: str | None
    phone: str | None
    notes: str | None
    preferences: str | None
    tags: list[str]
    visit_count: int
    no_show_count: int
    cancel_count: int
    last_visit_at: datetime | None
    marketing_consent: bool
    marketing_consent_at: datetime | None
    has_account: bool


class GuestPage(Page[GuestOut]):
    total: int = Field(description="guests matching the search, on every page together")


class GuestDetailOut(GuestOut):
    history: list[StaffReservationOut]


class MyProfileOut(Output):
    """A guest's own view of a venue's profile of them (no staff notes)."""

    id: str
    venue_name: str | None
    name: str
    preferences: str | None
    marketing_consent: bool


class ConsentIn(Input):
    marketing_consent: bool


class DepositCheckoutOut(Output):
    reservation_id: str
    provider: str
    checkout_url: str | None = Field(description="send the guest here; null: pay at the venue")
    held_until: datetime | None


class WebhookOut(Output):
    received: bool


PublicVenueOut.model_rebuild()
StaffReservationOut.model_rebuild()
