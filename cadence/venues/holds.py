"""Deposit payments as a process: start a checkout, record the money, give it back.

The policy and its states are in `deposits.py`; this module moves a held reservation
along when money arrives (from staff or from Stripe's webhook) and records refunds made
by the job in `jobs.py`. The provider's network calls happen in the callers, outside
any transaction (`guest_api.deposit_checkout`, `jobs.refund_deposit`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from cadence.accounts.models import User
from cadence.audit import service as audit
from cadence.booking.payments.base import provider
from cadence.context import Ctx, unit_of_work
from cadence.errors import Conflict, NotFound
from cadence.http.state import AppState
from cadence.venues import deposits, reservations
from cadence.venues.models import Reservation, Venue


@dataclass(frozen=True)
class Started:
    provider: str
    url: str | None  # None: pay at the venue (or as staff say)
    held_until: datetime | None


async def start_checkout(
    state: AppState,
    *,
    reservation_id: str,
    authenticate: Callable[[Ctx], Awaitable[User]],
    request_id: str | None,
) -> Started:
    """Ask the venue's provider where the guest pays: one short read, the call, one write.

    The provider is called with no transaction open. `authenticate` turns the caller's
    credentials (bearer token or web session) into the user inside the read.
    """
    async with unit_of_work(
        state.read_sessions, state.settings, state.clock, request_id=request_id
    ) as ctx:
        user = await authenticate(ctx)
        r = await reservations.for_guest(ctx, reservation_id=reservation_id, user=user)
        venue = await ctx.session.get(Venue, r.venue_id)
        if venue is None or r.user_id != user.id:
            raise NotFound("No such reservation.")
        name = r.deposit_provider or "manual"
        if r.status == "held" and r.deposit_checkout_url:
            return Started(name, r.deposit_checkout_url, r.hold_expires_at)
        ask = deposits.checkout_request(venue, r, base_url=state.settings.base_url)
        held_until = r.hold_expires_at
    result = await provider(name).create_checkout(ask)
    if result is None:
        return Started(name, None, held_until)
    async with unit_of_work(
        state.sessions, state.settings, state.clock, request_id=request_id, actor_id=user.id
    ) as ctx:
        await attach_checkout(ctx, reservation_id=reservation_id, ref=result.ref, url=result.url)
    return Started(name, result.url, held_until)


async def attach_checkout(ctx: Ctx, *, reservation_id: str, ref: str, url: str | None) -> None:
    r = await ctx.session.get(Reservation, reservation_id)
    if r is None:
        raise NotFound("No such reservation.")
    r.deposit_ref = ref
    r.deposit_checkout_url = url
    await ctx.session.flush()


async def of_checkout(ctx: Ctx, *, provider: str, ref: str) -> Reservation | None:
    query = select(Reservation).where(
        Reservation.deposit_provider == provider, Reservation.deposit_ref == ref
    )
    return (await ctx.session.scalars(query.with_for_update())).first()


async def mark_paid(
    ctx: Ctx, *, venue: Venue, r: Reservation, provider: str, charge: str | None = None
) -> Reservation:
    """The deposit arrived: a held reservation confirms; a lapsed or cancelled one refunds."""
    if r.deposit_status in deposits.SETTLED:
        return r  # already recorded (webhooks come at least once)
    if r.deposit_cents <= 0:
        raise Conflict("This reservation carries no deposit.")
    if (r.deposit_provider or "manual") != provider:
        raise Conflict(f"This deposit is paid through {r.deposit_provider}.")
    before = {"deposit_status": r.deposit_status, "status": r.status}
    r.deposit_status = "paid"
    r.deposit_paid_at = ctx.now()
    r.deposit_charge = charge or r.deposit_charge
    if r.status == "held":
        large = venue.approval_party_size is not None and r.party_size >= venue.approval_party_size
        await reservations.set_status(
            ctx, venue=venue, r=r, status="pending" if large else "confirmed"
        )
    elif r.status in ("expired", "cancelled"):
        await deposits.queue_refund(ctx, r)  # paid after the table was given up: give it back
    r.updated_at = ctx.now()
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=r.org_id,
        action="venue.reservation.deposit_paid",
        target_type="venue_reservation",
        target_id=r.id,
        before=before,
        after={"deposit_status": r.deposit_status, "status": r.status, "provider": provider},
    )
    return r


async def record_refund(ctx: Ctx, *, r: Reservation, refund_id: str | None) -> None:
    before = {"deposit_status": r.deposit_status}
    r.deposit_status = "refunded"
    r.updated_at = ctx.now()
    await ctx.session.flush()
    await audit.record(
        ctx,
        org_id=r.org_id,
        action="venue.reservation.deposit_refunded",
        target_type="venue_reservation",
        target_id=r.id,
        before=before,
        after={"deposit_status": "refunded", "refund": refund_id},
    )
