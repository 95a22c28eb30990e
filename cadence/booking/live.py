"""Live updates of bookings: `booking.confirmed` and `booking.cancelled`, to the organisation."""

from __future__ import annotations

from cadence.booking.models import Booking
from cadence.context import Ctx


async def publish_booking_event(ctx: Ctx, *, kind: str, booking: Booking, available: int) -> None:
    from cadence.realtime.events import publish

    await publish(
        ctx,
        org_id=booking.org_id,
        type=kind,
        data={
            "event_id": booking.event_id,
            "booking_id": booking.id,
            "quantity": booking.quantity,
            "available": available,
        },
    )
