"""The season evaluator on a hand-checked 4-team double round robin, every rule kind.

Teams 0..3 (A, B, C, D) on a line at km 0, 10, 30, 60. Slots (0-based; "slot 1" in messages):

    0: A-B  C-D      3: B-A  D-C
    1: C-A  D-B      4: A-C  B-D
    2: A-D  B-C      5: D-A  C-B

Patterns: A HAHAHA (0 breaks), B AAHHHA (breaks at 1, 3, 4; home run 2-4),
C HHAAAH (breaks at 1, 3, 4; away run 2-4), D AHAHAH (0 breaks): 6 breaks in all.
Phased and mirrored; each pair's meetings are 3 slots apart (2 slots between).
Travel: A 30+30+10+10+60+60 = 200, B 10+60+50+20+20 = 160, C 20+50+60+30 = 160,
D 30+30+60+60+50+50 = 280; 800 in all, spread 120. Dates: slots 0/1 and 3/4 are one day
apart, the others a week.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from cadence.solve.season import (
    RULE_KINDS,
    Game,
    Rule,
    RuleKind,
    Season,
    Slot,
    Team,
    Venue,
    evaluate_season,
    season_problems,
)

GAMES: tuple[Game, ...] = (
    (0, 1, 0),
    (2, 3, 0),
    (2, 0, 1),
    (3, 1, 1),
    (0, 3, 2),
    (1, 2, 2),
    (1, 0, 3),
    (3, 2, 3),
    (0, 2, 4),
    (1, 3, 4),
    (3, 0, 5),
    (2, 1, 5),
)
KM = (0, 10, 30, 60)
DISTANCES = tuple(tuple(abs(a - b) for b in KM) for a in KM)
DATES = (
    datetime(2026, 3, 7, 15, tzinfo=UTC),
    datetime(2026, 3, 8, 15, tzinfo=UTC),
    datetime(2026, 3, 14, 15, tzinfo=UTC),
    datetime(2026, 3, 21, 15, tzinfo=UTC),
    datetime(2026, 3, 22, 15, tzinfo=UTC),
    datetime(2026, 3, 28, 15, tzinfo=UTC),
)
# Slots 0..5 in round order 0, 3, 1, 2, 4, 5: A-B and C-D meet in consecutive slots 0 and 1.
REORDERED: tuple[Game, ...] = tuple((h, a, {0: 0, 3: 1, 1: 2, 2: 3}.get(s, s)) for h, a, s in GAMES)


def four(
    *rules: Rule, double_round_robin: bool = True, phased: bool = True, mirrored: bool = True
) -> Season:
    return Season(
        teams=tuple(Team(name, venue=i) for i, name in enumerate("ABCD")),
        slots=tuple(Slot(d) for d in DATES),
        venues=tuple(Venue(f"Ground {name}") for name in "ABCD"),
        rules=rules,
        distances=DISTANCES,
        double_round_robin=double_round_robin,
        phased=phased,
        mirrored=mirrored,
    )


def amounts(season: Season, games: tuple[Game, ...] = GAMES) -> list[int]:
    return [v.amount for v in evaluate_season(season, games).violations]


def test_the_fixture_is_a_clean_mirrored_double_round_robin() -> None:
    ev = evaluate_season(four(), GAMES)
    assert ev.structure_errors == ()
    assert (ev.hard, ev.cost, ev.violations) == (0, 0, ())
    assert ev.travel == (200, 160, 160, 280)


# -- structure --------------------------------------------------------------------------------


def test_a_missing_game_is_a_structure_error() -> None:
    ev = evaluate_season(four(), GAMES[1:])
    assert ev.structure_errors == ("A never hosts B",)
    assert ev.hard == 1


def test_a_team_twice_in_one_slot() -> None:
    games = ((0, 1, 1), *GAMES[1:])  # A-B moved from slot 0 to slot 1, where A and B play
    errors = evaluate_season(four(), games).structure_errors
    assert errors[0] == (
        "A plays 2 games in slot 2 (2026-03-08): A v B in slot 2 (2026-03-08); "
        "C v A in slot 2 (2026-03-08)"
    )
    assert any(e.startswith("B plays 2 games in slot 2") for e in errors)
    assert any(e.startswith("not mirrored: A v B in slot 2") for e in errors)
    assert len(errors) == 3


def test_phased_and_mirrored_halves() -> None:
    # Pairs A-D and B-C meet in slots 3 and 5, both in the second half.
    phased = evaluate_season(four(mirrored=False), REORDERED).structure_errors
    assert len(phased) == 4
    assert phased[0].startswith("not phased: both meetings in the first half: A v B in slot 1")
    assert evaluate_season(four(mirrored=False, phased=False), REORDERED).structure_errors == ()
    mirrored = evaluate_season(four(), REORDERED).structure_errors
    assert len(mirrored) == 6  # no pair meets three slots apart any more
    assert all(e.startswith("not mirrored") for e in mirrored)


def test_single_round_robin() -> None:
    first_half = tuple(g for g in GAMES if g[2] < 3)
    single = four(double_round_robin=False)
    assert evaluate_season(single, first_half).structure_errors == ()
    errors = evaluate_season(single, (*first_half, (1, 0, 4))).structure_errors
    assert errors == (
        "A and B meet 2 times: A v B in slot 1 (2026-03-07); B v A in slot 5 (2026-03-22)",
    )


def test_teams_sharing_a_venue_cannot_both_be_at_home() -> None:
    shared = replace(four(), teams=(Team("A", 0), Team("B", 0), Team("C", 2), Team("D", 3)))
    errors = evaluate_season(shared, GAMES).structure_errors
    assert errors == (
        "venue Ground A hosts 2 games in slot 3 (2026-03-14): A v D in slot 3 (2026-03-14); "
        "B v C in slot 3 (2026-03-14)",
        "venue Ground A hosts 2 games in slot 5 (2026-03-22): A v C in slot 5 (2026-03-22); "
        "B v D in slot 5 (2026-03-22)",
    )
    allowed = replace(shared, shared_venues_clash=False)
    assert evaluate_season(allowed, GAMES).structure_errors == ()


def test_invalid_games_are_reported_not_raised() -> None:
    errors = evaluate_season(four(), (*GAMES, (0, 0, 1), (0, 9, 1))).structure_errors
    assert errors[:2] == (
        "invalid game (home 0, away 0, slot 1)",
        "invalid game (home 0, away 9, slot 1)",
    )


# -- rules, one kind at a time ----------------------------------------------------------------


def test_max_consecutive_home() -> None:
    hard = evaluate_season(four(Rule("max_consecutive_home", value=2)), GAMES)
    assert hard.hard == 1
    (v,) = hard.violations
    assert v.games == ((1, 2, 2), (1, 0, 3), (1, 3, 4))
    assert v.detail.startswith("B plays 3 home games in a row (slot 3 (2026-03-14) to slot 5")
    soft = evaluate_season(four(Rule("max_consecutive_home", hard=False, weight=5, value=1)), GAMES)
    assert [v.amount for v in soft.violations] == [2, 1]  # B: HHH, C: HH
    assert (soft.hard, soft.cost) == (0, 15)


def test_max_consecutive_away() -> None:
    assert amounts(four(Rule("max_consecutive_away", value=2))) == [1]  # C: AAA
    assert amounts(four(Rule("max_consecutive_away", value=2, teams=(1,)))) == []


def test_no_repeaters() -> None:
    season = four(Rule("no_repeaters"), mirrored=False, phased=False)
    ev = evaluate_season(season, REORDERED)
    assert [v.amount for v in ev.violations] == [1, 1]
    assert ev.violations[0].detail == (
        "A and B meet in consecutive slots: A v B in slot 1 (2026-03-07); "
        "B v A in slot 2 (2026-03-08)"
    )
    only_a = four(Rule("no_repeaters", teams=(0,)), mirrored=False, phased=False)
    assert amounts(only_a, REORDERED) == [1]
    assert amounts(four(Rule("no_repeaters"))) == []


def test_max_breaks_per_team() -> None:
    ev = evaluate_season(four(Rule("max_breaks_per_team", value=2)), GAMES)
    assert [v.amount for v in ev.violations] == [1, 1]
    assert ev.violations[0].detail.startswith("B has 3 breaks (in slot 2 (2026-03-08), slot 4")
    assert amounts(four(Rule("max_breaks_per_team", value=0, teams=(0, 3)))) == []
    # Breaks "at" slot 1 only (the second slot): B (away, away) and C (home, home).
    assert amounts(four(Rule("max_breaks_per_team", value=0, slots=(1,)))) == [1, 1]


def test_max_breaks_total() -> None:
    ev = evaluate_season(four(Rule("max_breaks_total", value=4, hard=False, weight=3)), GAMES)
    (v,) = ev.violations
    assert (v.amount, v.cost, ev.cost) == (2, 6, 6)
    assert v.detail == "6 breaks in the league (B 3, C 3), at most 4 allowed"


def test_fixed_game() -> None:
    assert amounts(four(Rule("fixed_game", home=0, away=1, slots=(0,)))) == []
    ev = evaluate_season(four(Rule("fixed_game", home=0, away=1, slots=(1, 2))), GAMES)
    (v,) = ev.violations
    assert v.games == ((0, 1, 0),)
    assert v.detail == (
        "A v B must be played in slot 2 (2026-03-08), slot 3 (2026-03-14); "
        "it is A v B in slot 1 (2026-03-07)"
    )
    assert amounts(four(Rule("fixed_game", home=1, away=0, slots=(0,)))) == [1]
    missing = evaluate_season(four(Rule("fixed_game", home=0, away=1)), GAMES[1:])
    assert missing.violations[0].detail == "A v B must be played somewhere; it is not scheduled"


def test_forbidden_game() -> None:
    ev = evaluate_season(four(Rule("forbidden_game", home=0, away=1, slots=(0, 1))), GAMES)
    assert [(v.amount, v.games) for v in ev.violations] == [(1, ((0, 1, 0),))]
    assert ev.violations[0].detail == "A v B may not be played in slot 1 (2026-03-07)"
    assert amounts(four(Rule("forbidden_game", home=0, away=1, slots=(3,)))) == []


def test_home_away_balance() -> None:
    assert amounts(four(Rule("home_away_balance", value=0))) == []
    first_half = four(Rule("home_away_balance", value=0, slots=(0, 1, 2)))
    assert amounts(first_half) == [1, 1, 1, 1]
    assert evaluate_season(first_half, GAMES).violations[0].detail == (
        "A plays 2 home games and 1 away (difference 1, at most 0 allowed)"
    )
    assert amounts(four(Rule("home_away_balance", value=1, slots=(0, 1, 2)))) == []


def test_min_gap_between_meetings() -> None:
    assert amounts(four(Rule("min_gap_between_meetings", value=2))) == []
    assert amounts(four(Rule("min_gap_between_meetings", value=3))) == [1] * 6
    ev = evaluate_season(four(Rule("min_gap_between_meetings", value=4, teams=(0,))), GAMES)
    assert [v.amount for v in ev.violations] == [2, 2, 2]
    assert ev.violations[0].detail.startswith(
        "A and B meet with only 2 slots between (at least 4 wanted): A v B in slot 1"
    )


def test_team_unavailable() -> None:
    no_game = evaluate_season(four(Rule("team_unavailable", teams=(0,), slots=(0,))), GAMES)
    assert [v.games for v in no_game.violations] == [((0, 1, 0),)]
    assert no_game.violations[0].detail == "A is unavailable but plays A v B in slot 1 (2026-03-07)"
    assert amounts(four(Rule("team_unavailable", teams=(0,), slots=(1,), value=1))) == []
    no_home = four(Rule("team_unavailable", teams=(0,), slots=(0, 1, 2), value=1))
    assert amounts(no_home) == [1, 1]


def test_venue_unavailable() -> None:
    ev = evaluate_season(four(Rule("venue_unavailable", venue=1, slots=(2, 3))), GAMES)
    assert [v.games for v in ev.violations] == [((1, 2, 2),), ((1, 0, 3),)]
    assert ev.violations[0].detail == (
        "venue Ground B is unavailable but hosts B v C in slot 3 (2026-03-14)"
    )
    shared = four(Rule("venue_unavailable", venue=0, slots=(2,)))
    shared = replace(shared, teams=(Team("A", 0), Team("B", 0), Team("C", 2), Team("D", 3)))
    assert amounts(shared) == [1, 1]  # A and B both host in slot 2 at the shared ground


def test_min_rest_days() -> None:
    ev = evaluate_season(four(Rule("min_rest_days", value=2)), GAMES)
    assert [v.amount for v in ev.violations] == [1] * 8  # every team, slots 0/1 and 3/4
    assert ev.violations[0].detail == (
        "A plays twice within 1 day (at least 2 wanted): A v B in slot 1 (2026-03-07); "
        "C v A in slot 2 (2026-03-08)"
    )
    assert amounts(four(Rule("min_rest_days", value=2, teams=(0,)))) == [1, 1]
    assert amounts(four(Rule("min_rest_days", value=1))) == []
    undated = replace(
        four(Rule("min_rest_days", value=2)),
        slots=(Slot(DATES[0]), Slot(), *(Slot(d) for d in DATES[2:])),
    )
    assert amounts(undated) == [1] * 4  # only slots 3/4 can be judged


def test_travel_total() -> None:
    soft = evaluate_season(four(Rule("travel_total", hard=False, weight=2)), GAMES)
    (v,) = soft.violations
    assert (v.amount, v.cost, soft.cost, soft.hard) == (800, 1600, 1600, 0)
    assert v.detail == "total travel 800"
    capped = evaluate_season(four(Rule("travel_total", value=700)), GAMES)
    assert (capped.hard, capped.violations[0].detail) == (100, "total travel 800, 700 allowed")
    assert amounts(four(Rule("travel_total", hard=False, teams=(0,)))) == [200]


def test_travel_fairness() -> None:
    ev = evaluate_season(four(Rule("travel_fairness", hard=False)), GAMES)
    (v,) = ev.violations
    assert (v.amount, v.cost) == (120, 120)
    assert v.detail == ("travel ranges from 160 (B) to 280 (D): spread 120, at most 0 wanted")
    assert amounts(four(Rule("travel_fairness", hard=False, value=100))) == [20]


def test_travel_ttp_style_with_a_bye() -> None:
    """A bye does not send a team home: it travels on from its last away venue."""
    season = four(mirrored=False, phased=False, double_round_robin=False)
    games = ((1, 0, 0), (2, 0, 2))  # A at B, a bye, A at C
    ev = evaluate_season(season, games)
    assert ev.travel[0] == 10 + 20 + 30


def test_every_rule_kind_has_a_hand_checked_test() -> None:
    tested = {
        name.removeprefix("test_")
        for name in globals()
        if name.startswith("test_") and name.removeprefix("test_") in RULE_KINDS
    }
    assert tested == set(RULE_KINDS)


def test_soft_and_hard_add_up() -> None:
    season = four(
        Rule("max_consecutive_home", value=2),
        Rule("max_breaks_total", value=4, hard=False, weight=3),
        Rule("travel_total", hard=False),
    )
    ev = evaluate_season(season, GAMES)
    assert (ev.hard, ev.cost) == (1, 6 + 800)
    assert [v.rule for v in ev.violations] == [0, 1, 2]


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        (Rule("fixed_game", home=0), "rule 1 (fixed_game): needs two different teams"),
        (Rule("venue_unavailable", venue=7), "rule 1 (venue_unavailable): needs a venue"),
        (Rule("no_repeaters", teams=(9,)), "rule 1 (no_repeaters): team index out of range"),
        (Rule("team_unavailable", value=2), "rule 1 (team_unavailable): value is 0"),
        (Rule("bogus"), "rule 1 (bogus): unknown kind"),  # type: ignore[arg-type]
    ],
)
def test_unusable_rules_are_refused(rule: Rule, problem: str) -> None:
    season = four(rule)
    assert season_problems(season)[0].startswith(problem)
    with pytest.raises(ValueError, match="rule 1"):
        evaluate_season(season, GAMES)


def test_rule_kinds_literal_matches_the_tuple() -> None:
    kind: RuleKind = "no_repeaters"
    assert kind in RULE_KINDS
    assert len(RULE_KINDS) == 14
