"""Ticket documents: a QR image per ticket and one PDF of them all, for the email and the page."""

from __future__ import annotations

import io
from collections.abc import Sequence

import segno

from cadence.booking.models import Booking, Ticket
from cadence.calendar.models import Event
from cadence.notify.outbox import Attachment


def _qr(code: str) -> segno.QRCode:
    # A fixed mask: any of the eight is valid for every reader, and choosing the "best" one
    # costs three quarters of the encoding time (segno scores all eight).
    return segno.make(code, error="m", mask=0)


def qr_png(code: str, *, scale: int = 6) -> bytes:
    buffer = io.BytesIO()
    _qr(code).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def qr_svg(code: str) -> str:
    return str(_qr(code).svg_inline(scale=4))


def _latin1(text: str) -> str:
    """The PDF core fonts are Latin-1; anything else is replaced, never an error."""
    return text.encode("latin-1", "replace").decode("latin-1")


def tickets_pdf(
    event: Event,
    booking: Booking,
    issued: Sequence[Ticket],
    images: dict[str, bytes] | None = None,
) -> bytes:
    """One page per ticket; `images` (ticket id to QR PNG) reuses images already drawn."""
    from fpdf import FPDF  # heavy (fonts, image parsers): only when a PDF is made

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    for ticket in issued:
        pdf.add_page()
        pdf.set_font("helvetica", "B", 22)
        pdf.cell(0, 14, _latin1(event.name), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", "", 12)
        pdf.cell(
            0,
            8,
            _latin1(f"Starts {event.starts_at:%Y-%m-%d %H:%M} UTC"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        if event.venue:
            pdf.cell(0, 8, _latin1(event.venue), new_x="LMARGIN", new_y="NEXT")
        pdf.cell(
            0, 8, f"Ticket {ticket.number}  -  booking {booking.id}", new_x="LMARGIN", new_y="NEXT"
        )
        png = (images or {}).get(ticket.id) or qr_png(ticket.code, scale=8)
        pdf.image(io.BytesIO(png), x=55, y=70, w=100)
    return bytes(pdf.output())


def ticket_attachments(
    event: Event, booking: Booking, issued: Sequence[Ticket]
) -> list[Attachment]:
    if not issued:
        return []
    images = {t.id: qr_png(t.code, scale=8) for t in issued}
    files = [Attachment(f"ticket-{t.number}.png", "image/png", images[t.id]) for t in issued]
    pdf = tickets_pdf(event, booking, issued, images)
    files.append(Attachment("tickets.pdf", "application/pdf", pdf))
    return files
