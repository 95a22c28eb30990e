"""Recurrence: DST-stable expansion, EXDATE/RDATE/overrides, splits, and a second library."""
# ruff: noqa: DTZ001 - naive datetimes here are wall-clock times on purpose

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cadence.time.recurrence import Override, Series, expand, split

LONDON = ZoneInfo("Europe/London")
ZONES = ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc,arg-type]


def starts(occ: list) -> list[datetime]:  # type: ignore[type-arg]
    return [o.start for o in occ]


def test_weekly_rehearsal_stays_at_19_local_across_dst() -> None:
    s = Series(
        datetime(2025, 3, 18, 19, tzinfo=LONDON), timedelta(hours=2), "Europe/London", "FREQ=WEEKLY"
    )
    occ = expand(s, utc(2025, 3, 1), utc(2025, 4, 9))
    assert starts(occ) == [
        utc(2025, 3, 18, 19),
        utc(2025, 3, 25, 19),
        utc(2025, 4, 1, 18),
        utc(2025, 4, 8, 18),
    ]
    assert all(o.start.astimezone(LONDON).hour == 19 for o in occ)


def test_occurrence_in_gap_shifts_forward_and_in_overlap_takes_first() -> None:
    daily = Series(
        datetime(2025, 3, 28, 1, 30, tzinfo=LONDON),
        timedelta(minutes=30),
        "Europe/London",
        "FREQ=DAILY",
    )
    occ = expand(daily, utc(2025, 3, 29), utc(2025, 3, 31))
    # 30 March 01:30 does not exist: read with GMT, i.e. 02:30 BST = 01:30 UTC
    assert starts(occ) == [utc(2025, 3, 29, 1, 30), utc(2025, 3, 30, 1, 30)]
    autumn = Series(
        datetime(2025, 10, 24, 1, 30, tzinfo=LONDON),
        timedelta(minutes=30),
        "Europe/London",
        "FREQ=DAILY",
    )
    occ = expand(autumn, utc(2025, 10, 25), utc(2025, 10, 27))
    # 26 October 01:30 happens twice: the first (BST) instance, 00:30 UTC
    assert starts(occ) == [utc(2025, 10, 25, 0, 30), utc(2025, 10, 26, 0, 30)]
    lh = ZoneInfo("Australia/Lord_Howe")
    weekly = Series(
        datetime(2025, 9, 28, 2, 15, tzinfo=lh),
        timedelta(hours=1),
        "Australia/Lord_Howe",
        "FREQ=WEEKLY",
    )
    (o,) = expand(weekly, utc(2025, 10, 4), utc(2025, 10, 5))
    assert o.start == utc(2025, 10, 4, 15, 45)  # 02:15 +10:30 = 02:45 +11


def test_exdate_matches_whatever_zone_it_was_written_in() -> None:
    s = Series(
        datetime(2025, 4, 1, 19, tzinfo=LONDON),
        timedelta(hours=2),
        "Europe/London",
        "FREQ=WEEKLY;COUNT=4",
        exdates=(
            utc(2025, 4, 8, 18),
            datetime(2025, 4, 15, 14, tzinfo=ZoneInfo("America/New_York")),
        ),
        rdates=(utc(2025, 4, 10, 9),),
    )
    assert starts(expand(s, utc(2025, 1, 1), utc(2026, 1, 1))) == [
        utc(2025, 4, 1, 18),
        utc(2025, 4, 10, 9),
        utc(2025, 4, 22, 18),
    ]


def test_overrides_move_and_cancel_including_moves_into_the_window() -> None:
    s = Series(
        utc(2025, 1, 6, 10),
        timedelta(hours=1),
        "UTC",
        "FREQ=DAILY;COUNT=10",
        overrides=(
            Override(
                utc(2025, 1, 7, 10),
                start=utc(2025, 1, 7, 15),
                end=utc(2025, 1, 7, 17),
                summary="moved",
            ),
            Override(utc(2025, 1, 8, 10), cancelled=True),
            Override(utc(2025, 1, 20, 10), start=utc(2025, 1, 9, 12)),  # not an occurrence: ignored
            Override(utc(2025, 1, 15, 10), start=utc(2025, 1, 9, 14)),  # moved a week earlier
        ),
    )
    occ = expand(s, utc(2025, 1, 7), utc(2025, 1, 10))
    assert [(o.start, o.end, o.overridden) for o in occ] == [
        (utc(2025, 1, 7, 15), utc(2025, 1, 7, 17), True),
        (utc(2025, 1, 9, 10), utc(2025, 1, 9, 11), False),
        (utc(2025, 1, 9, 14), utc(2025, 1, 9, 15), True),
    ]
    assert occ[0].summary == "moved" and occ[0].recurrence_id == utc(2025, 1, 7, 10)


def test_this_and_following_split() -> None:
    s = Series(
        utc(2025, 1, 6, 10),
        timedelta(hours=1),
        "UTC",
        "FREQ=DAILY;COUNT=10",
        exdates=(utc(2025, 1, 7, 10), utc(2025, 1, 12, 10)),
    )
    head, tail = split(s, utc(2025, 1, 10, 10))
    assert head is not None
    whole = starts(expand(s, utc(2025, 1, 1), utc(2025, 2, 1)))
    parts = starts(expand(head, utc(2025, 1, 1), utc(2025, 2, 1))) + starts(
        expand(tail, utc(2025, 1, 1), utc(2025, 2, 1))
    )
    assert parts == whole
    moved_tail = Series(
        utc(2025, 1, 10, 18),
        tail.duration,
        tail.timezone,
        tail.rrule,
        exdates=(utc(2025, 1, 12, 18),),
    )
    assert starts(expand(moved_tail, utc(2025, 1, 1), utc(2025, 2, 1)))[:2] == [
        utc(2025, 1, 10, 18),
        utc(2025, 1, 11, 18),
    ]
    open_ended = Series(utc(2025, 1, 6, 10), timedelta(hours=1), "UTC", "FREQ=WEEKLY")
    head, tail = split(open_ended, utc(2025, 1, 20, 10))
    assert head is not None
    assert starts(expand(head, utc(2025, 1, 1), utc(2025, 3, 1))) == [
        utc(2025, 1, 6, 10),
        utc(2025, 1, 13, 10),
    ]
    assert starts(expand(tail, utc(2025, 1, 1), utc(2025, 2, 1))) == [
        utc(2025, 1, 20, 10),
        utc(2025, 1, 27, 10),
    ]
    assert split(open_ended, utc(2025, 1, 6, 10)) == (None, open_ended)


# ---- against recurring-ical-events on generated rules -------------------------------------

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@st.composite
def rules(draw: st.DrawFn) -> str:
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY"]))
    parts = [f"FREQ={freq}", f"INTERVAL={draw(st.integers(1, 3))}"]
    if freq == "WEEKLY" and draw(st.booleans()):
        parts.append(
            "BYDAY="
            + ",".join(draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True)))
        )
    if freq == "MONTHLY" and draw(st.booleans()):
        parts.append(
            f"BYDAY={draw(st.sampled_from(['1', '2', '-1']))}{draw(st.sampled_from(DAYS))}"
        )
    end = draw(st.sampled_from(["", "COUNT", "UNTIL"]))
    if end == "COUNT":
        parts.append(f"COUNT={draw(st.integers(1, 30))}")
    elif end == "UNTIL":
        until = draw(st.sampled_from(["20250420T000000Z", "20251103T120000Z", "20260101T000000Z"]))
        parts.append(f"UNTIL={until}")
    return ";".join(parts)


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(ZONES),
    rules(),
    st.sampled_from(
        [datetime(2025, 3, 2), datetime(2025, 3, 28), datetime(2025, 10, 1), datetime(2025, 9, 29)]
    ),
    st.sampled_from([(1, 30), (2, 0), (2, 15), (2, 45), (19, 0), (0, 0)]),
    st.lists(st.integers(0, 60), max_size=3),
)
def test_expansion_matches_recurring_ical_events(
    zone: str, rule: str, day: datetime, hm: tuple[int, int], ex_offsets: list[int]
) -> None:
    wall = day.replace(hour=hm[0], minute=hm[1])
    start = wall.replace(tzinfo=ZoneInfo(zone))
    # An UNTIL before DTSTART is ill-formed; RFC 5545 still counts DTSTART, that library not.
    assume("UNTIL=20250420" not in rule or start < utc(2025, 4, 20))
    # EXDATEs: some occurrences by their UTC instant (written in UTC)
    full = Series(start, timedelta(minutes=45), zone, rule)
    base = expand(full, utc(2025, 1, 1), utc(2026, 6, 1))
    exdates = tuple(base[i].start for i in ex_offsets if i < len(base))
    ours = expand(
        Series(start, timedelta(minutes=45), zone, rule, exdates=exdates),
        utc(2025, 3, 1),
        utc(2026, 1, 1),
    )

    cal = icalendar.Calendar()
    cal.add("prodid", "-//t//EN")
    cal.add("version", "2.0")
    ev = icalendar.Event()
    ev.add("uid", "x")
    ev.add("dtstart", start)
    ev.add("dtend", start + timedelta(minutes=45))
    ev.add("rrule", icalendar.vRecur.from_ical(rule))
    for x in exdates:
        ev.add("exdate", x.astimezone(UTC))
    cal.add_component(ev)
    theirs = recurring_ical_events.of(cal).between(utc(2025, 3, 1), utc(2026, 1, 1))
    got = sorted(o.start for o in ours)
    want = sorted(e.decoded("DTSTART").astimezone(UTC).replace(second=0) for e in theirs)
    assert got == want
