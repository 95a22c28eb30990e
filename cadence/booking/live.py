"""Live updates of bookings, to the organisation: every change of an event's seats.

`booking.confirmed` and `booking.cancelled` are declared by the realtime module;
`booking.held` (seats taken by an unpaid hold or a waitlist offer) and `booking.expired`
(an unpaid hold lapsed) are declared here, with the same schema.
"""

from __future__ import annotations

from cadence.booking.models import Booking
from cadence.context import Ctx
from cadence.realtime.events import BookingChange, register_event_type

register_event_type("booking.held", BookingChange)
register_event_type("booking.expired", BookingChange)


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
