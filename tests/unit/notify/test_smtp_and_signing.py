from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cadence.notify.models import OutboxAttachment, OutboxEmail
from cadence.notify.smtp import SmtpTarget, build_message
from cadence.notify.webhooks import sign, verify


def test_smtp_urls_of_the_contract() -> None:
    plain = SmtpTarget.parse("smtp://mail.example:2525")
    assert (plain.host, plain.port, plain.start_tls, plain.use_tls) == (
        "mail.example",
        2525,
        False,
        False,
    )
    tls = SmtpTarget.parse("smtp+starttls://user%40x:p%2Fw@mail.example:587?from=a@b.example")
    assert (tls.port, tls.start_tls, tls.username, tls.password) == (587, True, "user@x", "p/w")
    assert tls.sender == "a@b.example"
    implicit = SmtpTarget.parse("smtps://mail.example")
    assert (implicit.port, implicit.use_tls, implicit.verify) == (465, True, True)
    with pytest.raises(ValueError, match="scheme"):
        SmtpTarget.parse("http://mail.example")


def test_the_message_comes_from_the_row_alone() -> None:
    email = OutboxEmail(
        id="e1",
        kind="k",
        to_addr="to@x.example",
        subject="Hello",
        body_text="plain",
        body_html="<b>html</b>",
        message_id="<abc@cadence.example>",
        created_at=datetime(2026, 5, 1, 10, 0, tzinfo=UTC),
    )
    ics = OutboxAttachment(filename="e.ics", content_type="text/calendar", data=b"BEGIN:VCALENDAR")
    one = build_message(email, [ics], sender="c@x.example")
    two = build_message(email, [ics], sender="c@x.example")
    assert one["Message-ID"] == "<abc@cadence.example>"
    assert one["Date"] == two["Date"] == "Fri, 01 May 2026 10:00:00 +0000"
    assert [a.get_filename() for a in one.iter_attachments()] == ["e.ics"]


def test_webhook_signature_round_trip() -> None:
    body = b'{"id":"d1"}'
    header = sign("s3cret", 1_700_000_000, body)
    assert header.startswith("t=1700000000,v1=")
    assert verify("s3cret", header, body)
    assert not verify("other", header, body)
    assert not verify("s3cret", header, body + b" ")
