"""Door check-in: a ticket is used exactly once; forged or foreign codes are refused."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from cadence.accounts.models import Organisation, User
from cadence.audit import service as audit
from cadence.booking import tickets
from cadence.booking.keys import signing_key
from cadence.booking.models import Ticket
from cadence.context import Ctx
from cadence.errors import Conflict, InvalidInput


class AlreadyCheckedIn(Conflict):
    slug = "already-checked-in"
    title = "Already checked in"


class InvalidTicket(InvalidInput):
    slug = "invalid-ticket"
    title = "Not a valid ticket"


async def check_in(ctx: Ctx, *, org: Organisation, code: str, by: User) -> Ticket:
    try:
        claims = tickets.read_unverified(code)
        if claims.org_id != org.id:
            raise tickets.BadTicketCode("ticket of another organisation")
        tickets.verify(code, (await signing_key(ctx, org.id)).public_key)
    except tickets.BadTicketCode as exc:
        raise InvalidTicket("This code is not a valid ticket of this organisation.") from exc
    ticket = await ctx.session.get(Ticket, claims.ticket_id)
    if ticket is None or ticket.org_id != org.id:
        raise InvalidTicket("This code is not a valid ticket of this organisation.")
    if ticket.status == "void":
        raise InvalidTicket(f"Ticket {ticket.number} was cancelled.")
    used = await ctx.session.execute(
        update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.status == "valid")
        .values(status="used", checked_in_at=ctx.now(), checked_in_by=by.id)
    )
    await ctx.session.refresh(ticket)
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadyCheckedIn(
            await _already_message(ctx, org, ticket),
            checked_in_at=ticket.checked_in_at.isoformat() if ticket.checked_in_at else None,
        )
    await audit.record(
        ctx, org_id=org.id, action="ticket.check_in", target_type="ticket", target_id=ticket.id
    )
    return ticket


async def _already_message(ctx: Ctx, org: Organisation, ticket: Ticket) -> str:
    when = "earlier"
    if ticket.checked_in_at is not None:
        when = "at " + ticket.checked_in_at.astimezone(ZoneInfo(org.timezone)).strftime("%H:%M")
    who = ""
    if ticket.checked_in_by:
        name = (
            await ctx.session.scalars(select(User.name).where(User.id == ticket.checked_in_by))
        ).first()
        who = f" by {name}" if name else ""
    return f"Ticket {ticket.number} was already checked in {when}{who}."
