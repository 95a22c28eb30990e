"""Find-a-time: one test per sentence of the contract, then generated cases vs a reference."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadence.time.findtime import (
    Busy,
    FindTimeError,
    Person,
    Reason,
    RoleNeed,
    SlotRules,
    find_a_time,
)
from cadence.time.layers import Adjustment, Availability, Level, WeeklyPattern, WeeklyRange

from .reference import ref_find

H = timedelta(hours=1)
MON = datetime(2025, 1, 6, tzinfo=UTC)  # a Monday


def at(hours: float, day: int = 0) -> datetime:
    return MON + timedelta(days=day, hours=hours)


def weekly(*ranges: tuple[int, str, str, str], zone: str = "UTC") -> Availability:
    return Availability(WeeklyPattern(zone, tuple(WeeklyRange.parse(*r) for r in ranges)))


def nine_to_five(zone: str = "UTC") -> Availability:
    return weekly(*((d, "09:00", "17:00", "available") for d in range(5)), zone=zone)


def find(people: list[Person], **kw: object) -> list:  # type: ignore[type-arg]
    args: dict[str, object] = {
        "required": [],
        "duration": H,
        "window_start": at(0),
        "window_end": at(24),
    }
    args.update(kw)
    return find_a_time(people, **args)  # type: ignore[arg-type]


def test_whole_slot_must_lie_inside_availability_half_open() -> None:
    a = Person("a", nine_to_five())
    slots = find([a], required=["a"], limit=100)
    assert slots[0].starts_at == at(9)
    assert slots[-1].ends_at == at(17)  # a slot may end exactly where availability ends
    assert len(slots) == 29  # 09:00 .. 16:00 every 15 minutes


def test_slot_may_start_when_busy_event_ends_and_overlap_excludes() -> None:
    a = Person("a", nine_to_five(), busy=(Busy(at(9), at(10), "Standup"),))
    slots = find([a], required=["a"], limit=100)
    assert slots[0].starts_at == at(10)
    assert all(not (s.starts_at < at(10) and s.ends_at > at(9)) for s in slots)


def test_available_if_need_be_and_unavailable_with_reasons() -> None:
    people = [
        Person("a", weekly((0, "09:00", "12:00", "available"))),
        Person(
            "b", weekly((0, "09:00", "10:30", "available"), (0, "10:30", "12:00", "if_need_be"))
        ),
        Person(
            "c", weekly((0, "09:00", "12:00", "available")), busy=(Busy(at(10), at(11), "Gig"),)
        ),
        Person("d", weekly((0, "13:00", "14:00", "available"))),
        Person("e", Availability(None)),
    ]
    slots = find(people, optional=["a", "b", "c", "d", "e"], window_start=at(10), window_end=at(11))
    (slot,) = slots
    assert slot.available == ("a", "b")
    assert slot.if_need_be == ("b",)  # part of the slot (10:30-11:00) is if_need_be time
    reasons = {u.user_id: (u.reason, u.detail) for u in slot.unavailable}
    assert reasons == {
        "c": (Reason.BUSY, "Gig"),
        "d": (Reason.OUTSIDE_AVAILABILITY, None),
        "e": (Reason.NO_AVAILABILITY, None),
    }
    assert str(Reason.OUTSIDE_AVAILABILITY) == "outside_availability"


def test_every_required_person_must_come() -> None:
    people = [
        Person("a", weekly((0, "09:00", "12:00", "available"))),
        Person("b", weekly((0, "11:00", "15:00", "available"))),
    ]
    slots = find(people, required=["a", "b"], limit=100)
    assert [s.starts_at for s in slots] == [at(11)]
    slots = find(people, required=["a"], optional=["b"], limit=100)
    assert slots[0].starts_at == at(11) and slots[0].available == ("a", "b")
    assert {s.starts_at for s in slots} == {at(9) + i * timedelta(minutes=15) for i in range(9)}


def test_min_attendees_counts_required_and_optional_and_defaults_to_one() -> None:
    people = [
        Person(u, weekly((0, f"{9 + i}:00".zfill(5), "18:00", "available")))
        for i, u in enumerate("abcd")
    ]
    assert find(people, optional=list("abcd"), min_attendees=4, limit=100)[0].starts_at == at(12)
    assert min(
        s.starts_at for s in find(people, optional=list("abcd"), min_attendees=4, limit=100)
    ) == at(12)
    assert min(
        s.starts_at for s in find(people, optional=list("abcd"), min_attendees=2, limit=100)
    ) == at(10)
    nobody = [Person("x", Availability(None))]
    assert find(nobody, optional=["x"]) == []  # a slot nobody can come to is never listed


def test_order_more_people_then_fewer_if_need_be_then_earlier() -> None:
    people = [
        Person("a", weekly((0, "09:00", "18:00", "available"))),
        Person(
            "b",
            weekly(
                (0, "09:00", "11:00", "if_need_be"),
                (0, "11:00", "13:00", "available"),
                (0, "15:00", "16:00", "available"),
            ),
        ),
        Person(
            "c", weekly((0, "09:00", "10:00", "available"), (0, "15:00", "16:00", "if_need_be"))
        ),
    ]
    slots = find(people, optional=["a", "b", "c"], limit=100)
    keys = [(-len(s.available), len(s.if_need_be), s.starts_at) for s in slots]
    assert keys == sorted(keys)
    assert slots[0].starts_at == at(9) and slots[0].available == ("a", "b", "c")
    assert slots[0].if_need_be == ("b",)
    assert slots[1].starts_at == at(15) and slots[1].if_need_be == ("c",)


def test_grid_counts_from_window_start_and_slots_end_by_window_end() -> None:
    a = Person("a", weekly((0, "00:00", "24:00", "available")))
    slots = find(
        [a],
        required=["a"],
        window_start=at(9, 0) + timedelta(minutes=7),
        window_end=at(11),
        granularity=timedelta(minutes=20),
        limit=100,
    )
    starts = [s.starts_at for s in slots]
    assert starts == [at(9) + timedelta(minutes=7 + 20 * i) for i in range(3)]
    assert all(s.ends_at <= at(11) for s in slots)


def test_limit_default_ten_and_bounds() -> None:
    a = Person("a", weekly((0, "00:00", "24:00", "available")))
    assert len(find([a], required=["a"])) == 10
    for bad in (0, 101):
        with pytest.raises(FindTimeError) as err:
            find([a], required=["a"], limit=bad)
        assert err.value.field == "limit"


def test_window_over_366_days_and_unknown_user_are_invalid() -> None:
    a = Person("a", Availability(None))
    with pytest.raises(FindTimeError) as err:
        find([a], required=["a"], window_end=at(0) + timedelta(days=367))
    assert err.value.field == "window_end"
    find([a], required=["a"], window_end=at(0) + timedelta(days=366))
    with pytest.raises(FindTimeError, match="unknown user"):
        find([a], required=["zz"])


def test_touching_ranges_24_00_and_next_00_00_count_as_one() -> None:
    a = Person("a", weekly((0, "22:00", "24:00", "available"), (1, "00:00", "02:00", "available")))
    slots = find([a], required=["a"], duration=4 * H, window_end=at(48))
    assert [s.starts_at for s in slots] == [at(22)]


def test_weekly_pattern_is_read_in_its_own_timezone_across_dst() -> None:
    # Tuesday 19:00-22:00 London, the week clocks go forward (30 March 2025)
    a = Person("a", weekly((1, "19:00", "22:00", "available"), zone="Europe/London"))
    start = datetime(2025, 3, 24, tzinfo=UTC)
    slots = find(
        [a],
        required=["a"],
        duration=3 * H,
        window_start=start,
        window_end=start + timedelta(days=14),
    )
    assert sorted(s.starts_at for s in slots) == [
        datetime(2025, 3, 25, 19, tzinfo=UTC),
        datetime(2025, 4, 1, 18, tzinfo=UTC),
    ]


def test_later_exception_applies_where_they_overlap() -> None:
    av = Availability(
        WeeklyPattern("UTC", ()),
        adjustments=(
            Adjustment(at(9), at(12), Level.AVAILABLE),
            Adjustment(at(10), at(11), Level.UNAVAILABLE),
        ),
    )
    slots = find([Person("a", av)], required=["a"], limit=100)
    assert {s.starts_at for s in slots} == {at(9), at(11)}


def test_rules_time_of_day_weekdays_notice_buffers() -> None:
    a = Person(
        "a",
        weekly(*((d, "00:00", "24:00", "available") for d in range(7))),
        busy=(Busy(at(12), at(13), "Lunch"),),
    )
    rules = SlotRules(
        timezone="America/New_York", earliest=time(9), latest=time(12), weekdays=frozenset({1})
    )
    slots = find([a], required=["a"], rules=rules, window_end=at(0, 7), limit=100)
    assert {s.starts_at for s in slots} == {at(14, 1) + i * timedelta(minutes=15) for i in range(9)}
    slots = find([a], required=["a"], rules=SlotRules(min_notice=2 * H), now=at(8), limit=100)
    assert min(s.starts_at for s in slots) == at(10)
    buffered = SlotRules(buffer_before=timedelta(minutes=30), buffer_after=timedelta(minutes=15))
    slots = find(
        [a],
        required=["a"],
        optional=[],
        rules=buffered,
        window_start=at(10),
        window_end=at(15),
        limit=100,
    )
    starts = {s.starts_at for s in slots}
    assert at(10, 0) + timedelta(minutes=45) in starts and at(11) not in starts
    assert (
        at(13, 0) + timedelta(minutes=30) in starts
        and at(13, 0) + timedelta(minutes=15) not in starts
    )
    b = Person("b", a.availability, busy=a.busy)
    (slot,) = find(
        [a, b],
        required=["a"],
        optional=["b"],
        rules=buffered,
        window_start=at(13, 0) + timedelta(minutes=30),
        window_end=at(14, 0) + timedelta(minutes=30),
    )
    assert slot.available == ("a", "b")
    with pytest.raises(FindTimeError):
        find([a], required=["a"], rules=SlotRules(min_notice=H))


def test_buffer_reason() -> None:
    a = Person(
        "a", weekly((0, "00:00", "24:00", "available")), busy=(Busy(at(12), at(13), "Lunch"),)
    )
    b = Person("b", weekly((0, "00:00", "24:00", "available")))
    (slot,) = find(
        [a, b],
        optional=["a", "b"],
        rules=SlotRules(buffer_after=H),
        window_start=at(11),
        window_end=at(12),
    )
    assert slot.unavailable[0].reason == Reason.BUFFER and slot.unavailable[0].detail == "Lunch"


def test_role_coverage() -> None:
    people = [
        Person("drums", weekly((0, "09:00", "11:00", "available")), roles=frozenset({"drummer"})),
        Person("bass", weekly((0, "10:00", "12:00", "available")), roles=frozenset({"bassist"})),
        Person("keys", weekly((0, "09:00", "12:00", "available"))),
    ]
    slots = find(
        people,
        optional=["drums", "bass", "keys"],
        roles=[RoleNeed("drummer"), RoleNeed("bassist")],
        limit=100,
    )
    assert {s.starts_at for s in slots} == {at(10)}


def test_resources_must_all_be_free_but_are_not_attendees() -> None:
    a = Person("a", nine_to_five())
    b = Person("b", weekly((0, "09:00", "12:00", "available")))
    # The room opens 10-17 (the afternoon only if need be) and is booked 13:00-14:00.
    room = Person(
        "room",
        weekly((0, "10:00", "12:00", "available"), (0, "12:00", "17:00", "if_need_be")),
        busy=(Busy(at(13), at(14), "Booked"),),
    )
    hall = Person("hall", nine_to_five())
    slots = find([a, b], required=["a"], optional=["b"], resources=[room, hall], limit=100)
    starts = {s.starts_at for s in slots}
    assert at(9) not in starts and at(10) in starts  # room closed before 10
    assert at(12, 0) in starts and at(12.25) not in starts  # room booked from 13:00
    assert at(14) in starts and at(16) in starts and at(16.25) not in starts
    # Ranking and lists are about people only: the room's if-need-be time does not count,
    # and the room is never listed as an attendee.
    assert slots[0].starts_at == at(10) and slots[0].available == ("a", "b")
    assert all("room" not in s.available and not s.if_need_be for s in slots)
    # With min_attendees=2, only b's morning (10-12 with the room) remains.
    two = find([a, b], required=["a"], optional=["b"], resources=[room], min_attendees=2)
    assert {s.starts_at for s in two} == {at(10), at(10.25), at(10.5), at(10.75), at(11)}


# ---- generated cases against the literal reference --------------------------------------

ZONES = ["UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]


@st.composite
def people(draw: st.DrawFn, start: datetime) -> list[Person]:
    out = []
    for i in range(draw(st.integers(1, 5))):
        ranges = []
        for day in range(7):
            cuts = sorted(set(draw(st.lists(st.integers(0, 48).map(lambda h: h * 30), max_size=4))))
            for a, b in zip(cuts[::2], cuts[1::2], strict=False):
                ranges.append(
                    WeeklyRange(
                        day, a, b, draw(st.sampled_from([Level.AVAILABLE, Level.IF_NEED_BE]))
                    )
                )
        pattern = (
            None
            if draw(st.integers(0, 9)) == 0
            else WeeklyPattern(draw(st.sampled_from(ZONES)), tuple(ranges))
        )
        minutes = st.integers(0, 4 * 24 * 4).map(lambda q: start + timedelta(minutes=15 * q))
        adj = tuple(
            Adjustment(
                s,
                s + timedelta(minutes=draw(st.integers(1, 600))),
                draw(st.sampled_from(list(Level))),
            )
            for s in draw(st.lists(minutes, max_size=3))
        )
        busy = tuple(
            Busy(s, s + timedelta(minutes=draw(st.integers(1, 300))), f"b{j}")
            for j, s in enumerate(draw(st.lists(minutes, max_size=4)))
        )
        out.append(Person(f"u{i}", Availability(pattern, adjustments=adj), busy))
    return out


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_generated_requests_match_the_literal_reading(data: st.DataObject) -> None:
    start = data.draw(
        st.sampled_from(
            [
                datetime(2025, 3, 28, tzinfo=UTC),
                datetime(2025, 10, 24, 7, tzinfo=UTC),
                datetime(2025, 4, 4, tzinfo=UTC),
                datetime(2025, 10, 3, 13, tzinfo=UTC),
            ]
        )
    )
    ppl = data.draw(people(start))
    ids = [p.user_id for p in ppl]
    required = data.draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))
    optional = [u for u in ids if u not in required]
    duration = timedelta(minutes=data.draw(st.sampled_from([15, 30, 60, 90, 135])))
    gran = timedelta(minutes=data.draw(st.sampled_from([10, 15, 30, 60])))
    end = start + timedelta(days=data.draw(st.integers(1, 4)))
    min_att = data.draw(st.integers(0, 3))
    limit = data.draw(st.integers(1, 100))
    got = find_a_time(
        ppl,
        required=required,
        optional=optional,
        duration=duration,
        window_start=start,
        window_end=end,
        granularity=gran,
        min_attendees=min_att,
        limit=limit,
    )
    want = ref_find(ppl, required, optional, duration, start, end, gran, min_att, limit)
    assert [
        (s.starts_at, s.available, s.if_need_be, tuple(u.user_id for u in s.unavailable))
        for s in got
    ] == [(w.start, w.available, w.if_need_be, w.unavailable) for w in want]


def test_busy_from_minutes_equals_the_checked_constructor() -> None:
    checked = Busy(at(9), at(10.5), "Standup", "import:x")
    fast = Busy.from_minutes(checked.start_minute, checked.end_minute, "Standup", "import:x")
    assert fast == checked
    assert (fast.start_minute, fast.end_minute) == (checked.start_minute, checked.end_minute)
    with pytest.raises(ValueError, match="ends before it starts"):
        Busy.from_minutes(10, 9)
