"""Distances from coordinates, and the pure manual-edit helpers the app re-evaluates."""

from __future__ import annotations

import pytest

from cadence.solve.season import (
    Game,
    Season,
    Slot,
    Team,
    Venue,
    distances_from_coordinates,
    evaluate_season,
    move_game,
    season_distances,
    swap_games,
    swap_home_away,
)

LONDON = Venue("London", 51.5074, -0.1278)
PARIS = Venue("Paris", 48.8566, 2.3522)


def season_with(teams: tuple[Team, ...], venues: tuple[Venue, ...]) -> Season:
    return Season(teams=teams, slots=(Slot(),) * 2, venues=venues)


def test_haversine_kilometres_rounded() -> None:
    season = season_with((Team("L", 0), Team("P", 1)), (LONDON, PARIS))
    assert distances_from_coordinates(season) == ((0, 344), (344, 0))  # 343.6 km


def test_teams_sharing_a_venue_are_zero_apart() -> None:
    season = season_with((Team("L1", 0), Team("L2", 0), Team("P", 1)), (LONDON, PARIS))
    assert distances_from_coordinates(season) == ((0, 0, 344), (0, 0, 344), (344, 344, 0))


def test_missing_coordinates_or_venue_give_zeros() -> None:
    season = season_with((Team("L", 0), Team("X", 1), Team("Y")), (LONDON, Venue("X")))
    assert distances_from_coordinates(season) == ((0, 0, 0),) * 3


def test_an_explicit_matrix_wins() -> None:
    season = season_with((Team("L", 0), Team("P", 1)), (LONDON, PARIS))
    given = Season(
        teams=season.teams, slots=season.slots, venues=season.venues, distances=((0, 5), (5, 0))
    )
    assert season_distances(given) == ((0, 5), (5, 0))
    assert season_distances(season) == ((0, 344), (344, 0))


GAMES: tuple[Game, ...] = ((0, 1, 0), (2, 3, 0), (2, 0, 1), (3, 1, 1))


def test_move_game_is_pure() -> None:
    moved = move_game(GAMES, 1, 4)
    assert moved == ((0, 1, 0), (2, 3, 4), (2, 0, 1), (3, 1, 1))
    assert GAMES[1] == (2, 3, 0)


def test_swap_games_exchanges_slots_only() -> None:
    assert swap_games(GAMES, 0, 3) == ((0, 1, 1), (2, 3, 0), (2, 0, 1), (3, 1, 0))
    assert swap_games(list(GAMES), 2, 2) == GAMES


def test_swap_home_away() -> None:
    assert swap_home_away(GAMES, 0)[0] == (1, 0, 0)


def test_bad_index_raises() -> None:
    with pytest.raises(IndexError):
        move_game(GAMES, 4, 0)
    with pytest.raises(IndexError):
        swap_games(GAMES, 0, -1)


def test_an_edit_is_re_evaluated_and_shows_what_breaks() -> None:
    season = Season(
        teams=tuple(Team(n) for n in "ABCD"), slots=(Slot(),) * 3, double_round_robin=False
    )
    games: tuple[Game, ...] = ((0, 1, 0), (2, 3, 0), (2, 0, 1), (3, 1, 1), (0, 3, 2), (1, 2, 2))
    assert evaluate_season(season, games).hard == 0
    broken = evaluate_season(season, move_game(games, 0, 1))
    assert broken.structure_errors == (
        "A plays 2 games in slot 2: A v B in slot 2; C v A in slot 2",
        "B plays 2 games in slot 2: A v B in slot 2; D v B in slot 2",
    )
    assert broken.hard == 2
