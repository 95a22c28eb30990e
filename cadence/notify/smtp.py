"""SMTP delivery: `CADENCE_SMTP_URL` parsing and building the MIME message.

`smtp://host:25` (plain), `smtp+starttls://user:password@host:587`, `smtps://host:465`
(implicit TLS). Optional query parameters: `from=address` (default `cadence@<base host>`),
`verify=0` to accept an untrusted certificate (test servers only). The message is built
from the stored row alone, so a retry sends byte-for-byte the same headers, Message-ID and
Date included.
"""

from __future__ import annotations

import functools
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from cadence.notify.models import OutboxAttachment, OutboxEmail

_SCHEMES = {
    "smtp": (25, False, False),
    "smtp+starttls": (587, True, False),
    "smtps": (465, False, True),
}


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    start_tls: bool
    use_tls: bool
    username: str | None
    password: str | None
    sender: str | None
    verify: bool

    @classmethod
    def parse(cls, url: str) -> SmtpTarget:
        parts = urlsplit(url)
        if parts.scheme not in _SCHEMES:
            raise ValueError(f"CADENCE_SMTP_URL scheme must be one of {sorted(_SCHEMES)}")
        default_port, start_tls, use_tls = _SCHEMES[parts.scheme]
        query = parse_qs(parts.query)
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or default_port,
            start_tls=start_tls,
            use_tls=use_tls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            sender=query.get("from", [None])[0],
            verify=query.get("verify", ["1"])[0] not in ("0", "false", "no"),
        )

    async def send(
        self, message: EmailMessage, *, local_hostname: str, seconds: float = 30
    ) -> None:
        tls = self.use_tls or self.start_tls
        await aiosmtplib.send(
            message,
            hostname=self.host,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.use_tls,
            start_tls=self.start_tls,
            tls_context=_tls_context(self.verify) if tls else None,
            local_hostname=local_hostname,  # else EHLO asks the resolver (getfqdn) every time
            timeout=seconds,
        )


@functools.cache
def _tls_context(verify: bool) -> ssl.SSLContext:
    """Built once: loading the CA bundle takes tens of milliseconds and blocks the loop."""
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def build_message(
    email: OutboxEmail, attachments: Sequence[OutboxAttachment], *, sender: str
) -> EmailMessage:
    message = EmailMessage()
    message["Message-ID"] = email.message_id
    message["Date"] = format_datetime(email.created_at)
    message["From"] = sender
    message["To"] = email.to_addr
    message["Subject"] = email.subject
    message["X-Cadence-Kind"] = email.kind
    message.set_content(email.body_text)
    if email.body_html:
        message.add_alternative(email.body_html, subtype="html")
    for item in attachments:
        maintype, _, subtype = item.content_type.partition("/")
        message.add_attachment(
            item.data,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=item.filename,
        )
    return message
