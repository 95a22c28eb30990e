"""Request and response models of the notifications API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, HttpUrl

from cadence.http.schemas import Input, Output

Channel = Literal["inapp", "email", "push", "digest"]  # digest off: emails at once
Kind = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_.*-]+$")]


class NotificationOut(Output):
    id: str
    org_id: str | None
    kind: str
    title: str
    body: str
    url: str | None
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Output):
    items: list[NotificationOut]
    next_cursor: str | None = None
    unread_count: int


class PreferenceIn(Input):
    kind: Kind
    channel: Channel
    enabled: bool


class PreferenceOut(Output):
    kind: str
    channel: str
    enabled: bool


class WebhookCreate(Input):
    url: HttpUrl
    event_types: list[Annotated[str, Field(max_length=64)]] = Field(default=[], max_length=50)


class WebhookUpdate(Input):
    url: HttpUrl | None = None
    event_types: list[Annotated[str, Field(max_length=64)]] | None = Field(None, max_length=50)
    active: bool | None = None


class WebhookOut(Output):
    id: str
    org_id: str
    url: str
    event_types: list[str]
    active: bool
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="Shown once: verifies the Cadence-Signature header.")


class DeliveryAttemptOut(Output):
    id: str
    ref_id: str
    target: str
    attempt: int
    status: str
    response_code: int | None
    error: str | None
    at: datetime


class PushSubscriptionIn(Input):
    endpoint: HttpUrl
    p256dh: Annotated[str, Field(min_length=1, max_length=200)]
    auth: Annotated[str, Field(min_length=1, max_length=100)]


class PushSubscriptionOut(Output):
    id: str
    endpoint: str
    created_at: datetime


ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class TimingIn(Input):
    reminder_minutes: list[Annotated[int, Field(ge=1, le=40320)]] = Field(
        default=[1440, 120], max_length=10
    )
    quiet_start: ClockTime | None = None
    quiet_end: ClockTime | None = None
    digest_minutes: Annotated[int, Field(ge=5, le=10080)] | None = None


class TimingOut(Output):
    reminder_minutes: list[int]
    quiet_start: str | None
    quiet_end: str | None
    digest_minutes: int | None


class VapidPublicKey(Output):
    public_key: str
