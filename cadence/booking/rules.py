"""An event's booking rules: hold time, payment provider, and when customers may cancel.

Events without a stored row use the defaults (15-minute holds, manual payment, customers
may cancel until the event starts), so events created before the rules existed behave the
same as new ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from cadence.audit import service as audit
from cadence.booking.models import Booking, BookingRules
from cadence.calendar.models import Event
from cadence.context import Ctx
from cadence.errors import Conflict, InvalidInput

PROVIDERS = ("manual", "stripe")
MAX_HOLD_MINUTES = 24 * 60


class CancellationClosed(Conflict):
    slug = "cancellation-closed"
    title = "Cancellation is closed"


@dataclass(frozen=True)
class Rules:
    hold_minutes: int = 15
    payment_provider: str = "manual"
    pay_at_door: bool = False
    customer_can_cancel: bool = True
    cancel_cutoff_hours: int = 0

    @property
    def hold(self) -> timedelta:
        return timedelta(minutes=self.hold_minutes)


def _of(row: BookingRules) -> Rules:
    return Rules(
        hold_minutes=row.hold_minutes,
        payment_provider=row.payment_provider,
        pay_at_door=row.pay_at_door,
        customer_can_cancel=row.customer_can_cancel,
        cancel_cutoff_hours=row.cancel_cutoff_hours,
    )


def from_row(row: BookingRules | None) -> Rules:
    """The rules a stored row says, or the defaults for an event without one."""
    return Rules() if row is None else _of(row)


async def rules_of(ctx: Ctx, event_id: str) -> Rules:
    return from_row(await ctx.session.get(BookingRules, event_id))


async def set_rules(ctx: Ctx, *, event: Event, changes: dict[str, object]) -> Rules:
    row = await ctx.session.get(BookingRules, event.id)
    before = _of(row).__dict__ if row is not None else Rules().__dict__
    merged = {**before, **{k: v for k, v in changes.items() if v is not None}}
    rules = Rules(**merged)
    if not 1 <= rules.hold_minutes <= MAX_HOLD_MINUTES:
        raise InvalidInput(
            f"Holds last between 1 and {MAX_HOLD_MINUTES} minutes.", field="hold_minutes"
        )
    if rules.payment_provider not in PROVIDERS:
        raise InvalidInput("The payment provider is manual or stripe.", field="payment_provider")
    if not 0 <= rules.cancel_cutoff_hours <= 24 * 365:
        raise InvalidInput("The cutoff is 0 to 8760 hours.", field="cancel_cutoff_hours")
    if row is None:
        row = BookingRules(event_id=event.id)
        ctx.session.add(row)
    for key, value in rules.__dict__.items():
        setattr(row, key, value)
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=event.org_id,
        action="event.booking_rules",
        target_type="event",
        target_id=event.id,
        before=dict(before),
        after=dict(rules.__dict__),
    )
    return rules


async def check_customer_cancel(ctx: Ctx, *, booking: Booking, event: Event) -> None:
    """A customer may give up an unpaid hold any time; a confirmed booking within the rules."""
    if booking.status != "confirmed":
        return
    rules = await rules_of(ctx, event.id)
    if not rules.customer_can_cancel:
        raise CancellationClosed("The organiser does not allow cancelling bookings of this event.")
    closes = event.starts_at - timedelta(hours=rules.cancel_cutoff_hours)
    if ctx.now() >= closes:
        when = (
            "once the event has started"
            if rules.cancel_cutoff_hours == 0
            else f"less than {rules.cancel_cutoff_hours} hours before the event starts"
        )
        raise CancellationClosed(f"Bookings cannot be cancelled {when}.")
