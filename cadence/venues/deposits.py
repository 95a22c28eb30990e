"""Deposits for large parties, through the booking engine's payment providers.

The venue's policy: parties of `deposit_party_size` or more (or anyone on an event night
with a per-person deposit) owe `deposit_cents_per_person` per guest. How it is paid:

- `manual` ("pay at the door"): with no hold the reservation is confirmed at once and the
  deposit is due at the venue; with `deposit_hold_minutes` the tables are held until staff
  mark the deposit received (a bank transfer, say).
- `stripe`: an online reservation is `held` for `deposit_hold_minutes` while the guest pays
  through a Checkout Session; Stripe's webhook marks it paid and the reservation confirms.

A hold that lapses releases the tables (`reservations.expire_lapsed`). Money comes back when the
guest cancels at least `deposit_refund_minutes` ahead, when the venue cancels, or when a
payment arrives after its hold lapsed; a later cancellation or a no-show forfeits it.
Refunds through Stripe are jobs (`jobs.refund_deposit`), so the provider is called after
commit with no transaction open; a manual refund is `refund_due` until staff pay it back.

Reservation rows carry the deposit (venue reservations are not bookings, so the booking
engine's payment rows do not apply); only the provider interface is shared.
"""

from __future__ import annotations

from datetime import timedelta

from cadence.booking.payments.base import CheckoutLine, CheckoutRequest
from cadence.context import Ctx
from cadence.errors import Conflict
from cadence.jobs import enqueue
from cadence.venues import nights
from cadence.venues.models import Reservation, Venue

REFUND_JOB = "venues.deposit_refund"
PROVIDERS = ("manual", "stripe")
# none | due | paid | waived | expired | void | forfeited | refund_pending | refund_due | refunded
SETTLED = ("paid", "refund_pending", "refund_due", "refunded", "forfeited")


def needs_hold(venue: Venue, r: Reservation, *, online: bool) -> bool:
    """An online reservation with a deposit waits for the money when the venue says so."""
    return online and r.deposit_cents > 0 and venue.deposit_hold_minutes > 0


async def apply_policy(ctx: Ctx, venue: Venue, r: Reservation, *, online: bool) -> None:
    """Work out the deposit of a new or changed reservation; a paid one stays as it is."""
    if r.deposit_status in SETTLED:
        return
    found = await nights.between(ctx, venue=venue, start=r.starts_at, end=r.ends_at)
    per_person = max((n.deposit_cents_per_person for n, _ in found), default=0)
    r.event_night_id = found[0][0].id if found else None
    if per_person == 0 and venue.deposit_party_size and r.party_size >= venue.deposit_party_size:
        per_person = venue.deposit_cents_per_person
    r.deposit_cents = per_person * r.party_size
    r.currency = venue.currency
    if r.deposit_cents <= 0:
        r.deposit_status, r.deposit_provider, r.hold_expires_at = "none", None, None
        return
    r.deposit_status = "due" if r.deposit_status != "waived" else "waived"
    r.deposit_provider = venue.deposit_provider if online else "manual"
    if needs_hold(venue, r, online=online):
        hold = ctx.now() + timedelta(minutes=venue.deposit_hold_minutes)
        r.hold_expires_at = r.hold_expires_at or hold  # a change never extends a hold
    else:
        r.hold_expires_at = None


async def queue_refund(ctx: Ctx, r: Reservation) -> None:
    """Give a received deposit back: a job for Stripe, a to-do for staff otherwise."""
    if r.deposit_provider == "stripe" and r.deposit_charge:
        r.deposit_status = "refund_pending"
        await enqueue(
            ctx,
            REFUND_JOB,
            {"reservation_id": r.id},
            key=f"venue-deposit-refund:{r.id}",
            org_id=r.org_id,
        )
    else:
        r.deposit_status = "refund_due"


async def on_end(ctx: Ctx, venue: Venue, r: Reservation, *, status: str, by_guest: bool) -> None:
    """What a cancellation, a no-show or a lapsed hold does to the deposit."""
    r.hold_expires_at = None
    if r.deposit_status == "due":
        r.deposit_status = "expired" if status == "expired" else "void"
        return
    if r.deposit_status != "paid":
        return
    if status == "cancelled":
        cutoff = r.starts_at - timedelta(minutes=venue.deposit_refund_minutes)
        if not by_guest or ctx.now() <= cutoff:
            await queue_refund(ctx, r)
            return
    r.deposit_status = "forfeited"


def checkout_request(venue: Venue, r: Reservation, *, base_url: str) -> CheckoutRequest:
    """What to ask the provider for: one line, the deposit per guest times the party."""
    if r.status != "held" or r.deposit_status != "due":
        raise Conflict("This reservation has no deposit waiting to be paid.")
    return CheckoutRequest(
        booking_id=r.id,
        # a changed reservation is a new checkout (the provider's idempotency key differs)
        payment_id=f"{r.id}-{r.version}",
        currency=r.currency,
        lines=(
            CheckoutLine(
                name=f"Deposit, table for {r.party_size} at {venue.name}",
                unit_amount=r.deposit_cents // r.party_size,
                quantity=r.party_size,
            ),
        ),
        customer_email=r.guest_email,
        success_url=f"{base_url}/my-reservations?paid={r.id}",
        cancel_url=f"{base_url}/my-reservations",
    )
