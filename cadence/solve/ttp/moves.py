"""A TTP schedule held for fast local search, and the five TTSA neighbourhoods with
incremental (delta) evaluation.

Encoding: ``rows[t]`` is a list of ``2(n-1) + 2`` small ints, one per round plus a pad at
each end for "at home before and after the season". A code ``c < n`` means "at home against
``c``", ``c >= n`` means "away at ``c - n``"; the pads hold ``t`` (home, against nobody).

Why this shape: a move is priced from a few subscripts of the rows it touches, without
copying anything (most moves are rejected). ``tab[t][c1][c2]`` is team t's cost of playing
code c1 then code c2: the travel between the two venues plus ``REPEAT`` if both games are
against the same opponent, so one lookup prices a leg's travel and its repeater at once and
the two are split again exactly (:func:`split`). Streak violations are recounted from a
team's home-game bitmask (a few big-int operations), and only when a move flips one of its
home/away flags.

Each move returns ``(delta, streak_delta, commit, rollback)``: ``delta`` = travel change +
``REPEAT`` x repeater change; the caller then calls exactly one of ``commit()`` (keep the
move) or ``rollback()`` (undo whatever pricing already wrote).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import getitem

from cadence.solve.ttp.model import Rounds, TTPInstance

REPEAT = 1 << 40
"""Weight of one repeater inside a leg's combined cost; far above any travel total."""

Move = tuple[int, int, Callable[[], None], Callable[[], None]]


def _nothing() -> None:
    """Rollback of a move priced without touching the schedule."""


def split(delta: int) -> tuple[int, int]:
    """(travel, repeaters) of a combined cost or delta."""
    rep = (delta + REPEAT // 2) // REPEAT
    return delta - rep * REPEAT, rep


def _streak_counter(window: int, mask: int) -> Callable[[int], int]:
    """Number of ``window``-long runs of home games plus of away games in a bitmask."""
    if window == 4:

        def count4(h: int) -> int:
            a = mask & ~h
            return (h & h >> 1 & h >> 2 & h >> 3).bit_count() + (
                a & a >> 1 & a >> 2 & a >> 3
            ).bit_count()

        return count4

    def count(h: int) -> int:
        a = mask & ~h
        hh, aa = h, a
        for k in range(1, window):
            hh &= h >> k
            aa &= a >> k
        return hh.bit_count() + aa.bit_count()

    return count


class Schedule:
    """The current schedule, each team's home-game bitmask and streak-violation count."""

    def __init__(self, instance: TTPInstance, rows: list[list[int]]) -> None:
        self.n = n = instance.n
        self.n_rounds = nr = instance.n_rounds
        d = instance.distance
        venue = [[t if c < n else c - n for c in range(2 * n)] for t in range(n)]
        self.opp = opp = [c % n for c in range(2 * n)]
        self.tab = [
            [
                [d[venue[t][a]][venue[t][b]] + REPEAT * (opp[a] == opp[b]) for b in range(2 * n)]
                for a in range(2 * n)
            ]
            for t in range(n)
        ]
        self.mask = ((1 << nr) - 1) << 1
        self.streaks = _streak_counter(instance.max_streak + 1, self.mask)
        self.rows: list[list[int]] = []
        self.home: list[int] = []
        self.strk: list[int] = []
        self.load(rows)

    def home_bits(self, row: list[int]) -> int:
        n, h = self.n, 0
        for r in range(1, self.n_rounds + 1):
            if row[r] < n:
                h |= 1 << r
        return h

    def row_cost(self, t: int, row: list[int]) -> int:
        """Combined travel + REPEAT x repeaters of one team's row."""
        return sum(map(getitem, map(self.tab[t].__getitem__, row), row[1:]))

    def load(self, rows: list[list[int]]) -> None:
        self.rows = [list(r) for r in rows]
        self.home = [self.home_bits(r) for r in self.rows]
        self.strk = [self.streaks(h) for h in self.home]

    def totals(self) -> tuple[int, int]:
        """(travel, violations): violations = streak windows + repeaters (each counted for
        both teams)."""
        dist, rep = split(sum(self.row_cost(t, r) for t, r in enumerate(self.rows)))
        return dist, rep + sum(self.strk)

    def snapshot(self) -> list[list[int]]:
        return [list(r) for r in self.rows]

    def rounds(self) -> Rounds:
        return rounds_from_rows(self.n, self.rows)

    # -- column swaps: SwapHomes, SwapRounds, PartialSwapRounds ------------------------------

    def _columns(self, teams: Iterable[int], k: int, m: int) -> Move:
        """Exchange rounds k < m for the given teams (a set closed under opponents)."""
        rows, tab, home, strk, streaks = self.rows, self.tab, self.home, self.strk, self.streaks
        bits = (1 << k) | (1 << m)
        tot = ds = 0
        if m == k + 1:
            for t in teams:
                x = rows[t]
                tb = tab[t]
                a0 = x[k - 1]
                a1 = x[k]
                a2 = x[m]
                a3 = x[m + 1]
                tot += tb[a0][a2] + tb[a2][a1] + tb[a1][a3] - tb[a0][a1] - tb[a1][a2] - tb[a2][a3]
                h = home[t]
                if ((h >> k) ^ (h >> m)) & 1:
                    ds += streaks(h ^ bits) - strk[t]
        else:
            for t in teams:
                x = rows[t]
                tb = tab[t]
                a0 = x[k - 1]
                a1 = x[k]
                a2 = x[k + 1]
                c0 = x[m - 1]
                c1 = x[m]
                c2 = x[m + 1]
                tot += (
                    tb[a0][c1]
                    + tb[c1][a2]
                    + tb[c0][a1]
                    + tb[a1][c2]
                    - tb[a0][a1]
                    - tb[a1][a2]
                    - tb[c0][c1]
                    - tb[c1][c2]
                )
                h = home[t]
                if ((h >> k) ^ (h >> m)) & 1:
                    ds += streaks(h ^ bits) - strk[t]

        def commit() -> None:
            for t in teams:
                x = rows[t]
                x[k], x[m] = x[m], x[k]
                h = home[t]
                if ((h >> k) ^ (h >> m)) & 1:
                    home[t] = h ^ bits
                    strk[t] = streaks(h ^ bits)

        return tot, ds, commit, _nothing

    def swap_homes(self, i: int, j: int) -> Move:
        """Swap the venues of the two games between i and j (a column swap for i and j)."""
        n, ri = self.n, self.rows[i]
        p, q = ri.index(j), ri.index(j + n)
        return self._columns((i, j), p, q) if p < q else self._columns((i, j), q, p)

    def swap_rounds(self, k: int, m: int) -> Move:
        """Exchange two whole rounds."""
        teams = range(self.n)
        return self._columns(teams, k, m) if k < m else self._columns(teams, m, k)

    def partial_swap_rounds(self, t: int, k: int, m: int) -> Move:
        """Exchange rounds k and m for t and the smallest set of teams that keeps every
        round a perfect matching (the teams reachable from t through k's and m's games)."""
        n, rows = self.n, self.rows
        group = [t]
        seen = 1 << t
        x = 0
        while x < len(group):
            row = rows[group[x]]
            x += 1
            for o in (row[k] % n, row[m] % n):
                if not (seen >> o) & 1:
                    seen |= 1 << o
                    group.append(o)
        return self._columns(group, k, m) if k < m else self._columns(group, m, k)

    # -- team swaps: SwapTeams, PartialSwapTeams -------------------------------------------

    def _swap_team_rounds(self, i: int, j: int, rounds: list[int]) -> Move:
        """i and j exchange their games (opponent and venue) in the given rounds; each
        opponent then meets the other team instead, at the same venue.

        Applied in place cell by cell while pricing (each cell priced against its current
        neighbours, so adjacent changes add up exactly); the move is its own inverse, which
        is the rollback.
        """
        n, rows, tab, home, strk = self.n, self.rows, self.tab, self.home, self.strk
        opp = self.opp
        ri, rj = rows[i], rows[j]
        ti, tj = tab[i], tab[j]
        ij, ij2 = i + j, i + j + 2 * n
        whole = len(rounds) > 4
        tot = 0
        if whole:
            tot -= self.row_cost(i, ri) + self.row_cost(j, rj)
        swap = 0
        for r in rounds:
            a = ri[r]
            b = rj[r]
            swap |= 1 << r
            # i's opponent now meets j (code i -> j, same venue), and j's meets i.
            o = opp[a]
            x = rows[o]
            tb = tab[o]
            c = x[r]
            c2 = ij - c if c < n else ij2 - c
            p = x[r - 1]
            q = x[r + 1]
            tot += tb[p][c2] + tb[c2][q] - tb[p][c] - tb[c][q]
            x[r] = c2
            o = opp[b]
            x = rows[o]
            tb = tab[o]
            c = x[r]
            c2 = ij - c if c < n else ij2 - c
            p = x[r - 1]
            q = x[r + 1]
            tot += tb[p][c2] + tb[c2][q] - tb[p][c] - tb[c][q]
            x[r] = c2
            if not whole:
                p = ri[r - 1]
                q = ri[r + 1]
                tot += ti[p][b] + ti[b][q] - ti[p][a] - ti[a][q]
                p = rj[r - 1]
                q = rj[r + 1]
                tot += tj[p][a] + tj[a][q] - tj[p][b] - tj[b][q]
            ri[r] = b
            rj[r] = a
        if whole:
            tot += self.row_cost(i, ri) + self.row_cost(j, rj)
        hi = (home[j] & swap) | (home[i] & ~swap)
        hj = (home[i] & swap) | (home[j] & ~swap)
        si = self.streaks(hi) if hi != home[i] else strk[i]
        sj = self.streaks(hj) if hj != home[j] else strk[j]

        def commit() -> None:
            home[i], home[j], strk[i], strk[j] = hi, hj, si, sj

        def rollback() -> None:
            for r in rounds:
                a = ri[r]
                b = rj[r]
                x = rows[opp[a]]
                c = x[r]
                x[r] = ij - c if c < n else ij2 - c
                x = rows[opp[b]]
                c = x[r]
                x[r] = ij - c if c < n else ij2 - c
                ri[r] = b
                rj[r] = a

        return tot, si + sj - strk[i] - strk[j], commit, rollback

    def swap_teams(self, i: int, j: int) -> Move:
        """i and j exchange their whole schedules except their two mutual games."""
        n = self.n
        ri = self.rows[i]
        rounds = [r for r in range(1, self.n_rounds + 1) if ri[r] % n != j]
        return self._swap_team_rounds(i, j, rounds)

    def partial_swap_teams(self, i: int, j: int, r: int) -> Move | None:
        """i and j exchange their games in round r and in the chain of rounds needed to keep
        the double round robin (TTSA's PartialSwapTeams); None if r is their mutual game."""
        n = self.n
        ri, rj = self.rows[i], self.rows[j]
        if ri[r] % n == j:
            return None
        rounds = [r]
        v = rj[r]
        while v != ri[r]:
            if v % n == i:
                return None
            r2 = ri.index(v)
            rounds.append(r2)
            v = rj[r2]
        return self._swap_team_rounds(i, j, rounds)


def circle_schedule(n: int, perm: list[int]) -> list[list[int]]:
    """A feasible start for every even n: the circle method with alternating venues,
    mirrored second half, teams relabelled by ``perm``."""
    half: list[list[tuple[int, int]]] = []
    for r in range(n - 1):
        games = [(n - 1, r) if r % 2 else (r, n - 1)]
        for k in range(1, n // 2):
            a, b = (r + k) % (n - 1), (r - k) % (n - 1)
            games.append((a, b) if k % 2 else (b, a))
        half.append(games)
    rounds = half + [[(a, h) for h, a in g] for g in half]
    return rows_from_rounds(n, [[(perm[h], perm[a]) for h, a in g] for g in rounds])


def rows_from_rounds(n: int, rounds: Rounds) -> list[list[int]]:
    rows = [[t] * (len(rounds) + 2) for t in range(n)]
    for r, games in enumerate(rounds, start=1):
        for h, a in games:
            rows[h][r] = a
            rows[a][r] = h + n
    return rows


def rounds_from_rows(n: int, rows: list[list[int]]) -> Rounds:
    out: Rounds = []
    for r in range(1, len(rows[0]) - 1):
        out.append([(t, rows[t][r]) for t in range(n) if rows[t][r] < n])
    return out
