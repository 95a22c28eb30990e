"""iCalendar: feeds parse with icalendar and vobject and round-trip; imports become busy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject  # type: ignore[import-untyped]

from cadence.time.ical import (
    CalendarEvent,
    EventStatus,
    InvalidCalendarError,
    build_calendar,
    caldav_objects,
    import_busy,
    to_ics,
)

LONDON = ZoneInfo("Europe/London")
STAMP = datetime(2025, 1, 1, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc,arg-type]


def sample() -> list[CalendarEvent]:
    rehearsal = datetime(2025, 3, 18, 19, tzinfo=LONDON)
    return [
        CalendarEvent(
            uid="series-1@cadence",
            start=rehearsal,
            end=rehearsal + timedelta(hours=2),
            summary="Rehearsal; bring the new set, please\nand water",
            stamp=STAMP,
            sequence=3,
            timezone="Europe/London",
            rrule="FREQ=WEEKLY;COUNT=6",
            exdates=(rehearsal + timedelta(weeks=1),),
            location="Studio B",
        ),
        CalendarEvent(  # the 3rd occurrence moved to Wednesday
            uid="series-1@cadence",
            start=datetime(2025, 4, 2, 20, tzinfo=LONDON),
            end=datetime(2025, 4, 2, 22, tzinfo=LONDON),
            summary="Rehearsal (moved)",
            stamp=STAMP,
            sequence=4,
            timezone="Europe/London",
            recurrence_id=rehearsal + timedelta(weeks=2),
        ),
        CalendarEvent(
            uid="gig-7@cadence",
            start=utc(2025, 4, 5, 20),
            end=utc(2025, 4, 5, 23),
            summary="Gig at the Ünïcørn — a very long title " * 3,
            stamp=STAMP,
            sequence=1,
            status=EventStatus.CANCELLED,
        ),
        CalendarEvent(
            uid="lh@cadence",
            start=datetime(2025, 10, 5, 2, 30, tzinfo=ZoneInfo("Australia/Lord_Howe")),
            end=datetime(2025, 10, 5, 3, 30, tzinfo=ZoneInfo("Australia/Lord_Howe")),
            summary="After the half-hour gap",
            stamp=STAMP,
            timezone="Australia/Lord_Howe",
        ),
    ]


def test_feed_parses_with_icalendar_and_vobject() -> None:
    text = to_ics(sample(), name="Me")
    cal = icalendar.Calendar.from_ical(text)
    events = cal.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == ["series-1@cadence"] * 2 + [
        "gig-7@cadence",
        "lh@cadence",
    ]
    assert [int(str(e["SEQUENCE"])) for e in events] == [3, 4, 1, 0]
    assert str(events[2]["STATUS"]) == "CANCELLED"
    assert {str(t["TZID"]) for t in cal.walk("VTIMEZONE")} == {
        "Europe/London",
        "Australia/Lord_Howe",
    }
    assert events[0].decoded("DTSTART") == datetime(2025, 3, 18, 19, tzinfo=LONDON)
    assert events[0]["DTSTART"].params["TZID"] == "Europe/London"
    assert str(events[0]["SUMMARY"]) == sample()[0].summary
    assert events[1].decoded("RECURRENCE-ID") == datetime(2025, 4, 1, 19, tzinfo=LONDON)

    (vcal,) = list(vobject.readComponents(text.decode()))
    vevents = vcal.vevent_list
    assert len(vevents) == 4
    assert vevents[0].dtstart.value.astimezone(UTC) == utc(2025, 3, 18, 19)
    assert vevents[3].dtstart.value.astimezone(UTC) == utc(2025, 10, 4, 15, 30)
    assert vevents[2].summary.value == sample()[2].summary
    assert vevents[0].summary.value == sample()[0].summary
    for line in text.split(b"\r\n"):
        assert len(line) <= 75


def test_fast_writer_matches_the_library_serialiser() -> None:
    ours = icalendar.Calendar.from_ical(to_ics(sample())).walk("VEVENT")
    lib = icalendar.Calendar.from_ical(build_calendar(sample()).to_ical()).walk("VEVENT")
    for a, b in zip(ours, lib, strict=True):
        assert set(a.keys()) == set(b.keys())
        for key in b:
            if key in ("EXDATE", "RDATE"):
                assert a[key].to_ical() == b[key].to_ical()
            else:
                assert a.decoded(key) == b.decoded(key), key


def test_round_trip_export_then_import_as_busy() -> None:
    text = to_ics(sample())
    result = import_busy(
        text, window_start=utc(2025, 3, 1), window_end=utc(2025, 12, 1), timezone="UTC"
    )
    assert result.events == 4
    got = [(b.start.astimezone(UTC), b.end.astimezone(UTC), b.title) for b in result.busy]
    assert got == [
        (utc(2025, 3, 18, 19), utc(2025, 3, 18, 21), sample()[0].summary),
        # 25 March excluded; 1 April moved to 2 April 20:00 BST; clocks changed 30 March
        (utc(2025, 4, 2, 19), utc(2025, 4, 2, 21), "Rehearsal (moved)"),
        (utc(2025, 4, 8, 18), utc(2025, 4, 8, 20), sample()[0].summary),
        (utc(2025, 4, 15, 18), utc(2025, 4, 15, 20), sample()[0].summary),
        (utc(2025, 4, 22, 18), utc(2025, 4, 22, 20), sample()[0].summary),
        (utc(2025, 10, 4, 15, 30), utc(2025, 10, 4, 16, 30), "After the half-hour gap"),
    ]  # the cancelled gig is not busy time


def test_caldav_objects_one_per_uid() -> None:
    objs = caldav_objects(sample())
    assert set(objs) == {"series-1@cadence", "gig-7@cadence", "lh@cadence"}
    series = icalendar.Calendar.from_ical(objs["series-1@cadence"])
    assert len(series.walk("VEVENT")) == 2
    assert "RECURRENCE-ID" not in series.walk("VEVENT")[0]


EXTERNAL = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Test//EN
BEGIN:VEVENT
UID:w1
DTSTART;TZID=W. Europe Standard Time:20250303T090000
DTEND;TZID=W. Europe Standard Time:20250303T100000
RRULE:FREQ=DAILY;COUNT=5
EXDATE;TZID=W. Europe Standard Time:20250304T090000
SUMMARY:Daily
END:VEVENT
BEGIN:VEVENT
UID:w1
RECURRENCE-ID;TZID=W. Europe Standard Time:20250305T090000
DTSTART:20250305T150000Z
DTEND:20250305T160000Z
SUMMARY:Daily moved
END:VEVENT
BEGIN:VEVENT
UID:w1
RECURRENCE-ID:20250306T080000Z
DTSTART:20250306T080000Z
DTEND:20250306T090000Z
STATUS:CANCELLED
SUMMARY:Daily cancelled
END:VEVENT
BEGIN:VEVENT
UID:t1
DTSTART:20250303T120000Z
DTEND:20250303T130000Z
TRANSP:TRANSPARENT
SUMMARY:Free lunch
END:VEVENT
BEGIN:VEVENT
UID:c1
DTSTART:20250303T140000Z
DTEND:20250303T150000Z
STATUS:CANCELLED
SUMMARY:Cancelled
END:VEVENT
BEGIN:VEVENT
UID:a1
DTSTART;VALUE=DATE:20250308
SUMMARY:Holiday
END:VEVENT
BEGIN:VEVENT
UID:f1
DTSTART:20250309T100000
DURATION:PT30M
SUMMARY:Floating
END:VEVENT
END:VCALENDAR
"""


def test_import_honours_exdate_recurrence_id_transp_status_windows_zones() -> None:
    result = import_busy(
        EXTERNAL,
        window_start=utc(2025, 3, 1),
        window_end=utc(2025, 3, 31),
        timezone="America/New_York",
    )
    assert result.events == 7  # every VEVENT, overrides, transparent and cancelled included
    got = [(b.start.astimezone(UTC), b.end.astimezone(UTC), b.title) for b in result.busy]
    assert got == [
        (utc(2025, 3, 3, 8), utc(2025, 3, 3, 9), "Daily"),  # 09:00 CET
        (utc(2025, 3, 5, 15), utc(2025, 3, 5, 16), "Daily moved"),
        (utc(2025, 3, 7, 8), utc(2025, 3, 7, 9), "Daily"),
        (utc(2025, 3, 8, 5), utc(2025, 3, 9, 5), "Holiday"),  # all day in New York (EST)
        (utc(2025, 3, 9, 14), utc(2025, 3, 9, 14, 30), "Floating"),  # 10:00 EDT
    ]


def test_x_wr_timezone_calendars_are_normalised() -> None:
    text = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Google//EN
X-WR-TIMEZONE:Asia/Kolkata
BEGIN:VEVENT
UID:g1
DTSTART:20250303T090000Z
DTEND:20250303T100000Z
SUMMARY:Standup
END:VEVENT
END:VCALENDAR
"""
    (busy,) = import_busy(text, window_start=utc(2025, 3, 1), window_end=utc(2025, 3, 31)).busy
    assert busy.start.astimezone(UTC) == utc(2025, 3, 3, 9)


@pytest.mark.parametrize("text", ["", "hello", "BEGIN:VCALENDAR\nBEGIN:VEVENT\n"])
def test_invalid_text(text: str) -> None:
    with pytest.raises(InvalidCalendarError):
        import_busy(text, window_start=utc(2025, 1, 1), window_end=utc(2025, 2, 1))


def test_event_validation() -> None:
    with pytest.raises(ValueError, match="single line"):
        CalendarEvent(
            "u", utc(2025, 1, 1), utc(2025, 1, 1, 1), "x", STAMP, rrule="FREQ=DAILY\r\nX:1"
        )
    with pytest.raises(ValueError, match="RRULE"):
        CalendarEvent("u", utc(2025, 1, 1), utc(2025, 1, 1, 1), "x", STAMP, rrule="FREQ=SOMETIMES")
