"""Request and response models of the leagues API, one per use."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, Literal

from pydantic import EmailStr, Field, field_validator

from cadence.http.schemas import AwareDatetime, Input, Name, Output
from cadence.solve.season import RuleKind

Id = Annotated[str, Field(max_length=64)]

# --- seasons -------------------------------------------------------------------------------


class SlotPattern(Input):
    """Weekly kick-offs: `count` of them (default: as many as the round robin needs)."""

    start: date
    weekday: int = Field(ge=0, le=6)
    kick_off: time
    count: int | None = Field(default=None, ge=1, le=200)
    skip: list[date] = Field(default_factory=list, max_length=200)

    @field_validator("start")
    @classmethod
    def _sane(cls, value: date) -> date:
        if not 2000 <= value.year <= 2200:
            raise ValueError("start must be between the years 2000 and 2200")
        return value


class SeasonIn(Input):
    name: Name
    format: Literal["single", "double"] = "double"
    phased: bool = True
    mirrored: bool = False
    game_minutes: int = Field(default=105, ge=15, le=720)
    slots: list[AwareDatetime] | None = Field(default=None, max_length=200)
    slot_pattern: SlotPattern | None = None


class SeasonUpdate(Input):
    name: Name | None = None
    format: Literal["single", "double"] | None = None
    phased: bool | None = None
    mirrored: bool | None = None
    game_minutes: int | None = Field(default=None, ge=15, le=720)
    slots: list[AwareDatetime] | None = Field(default=None, max_length=200)
    slot_pattern: SlotPattern | None = None


class SeasonOut(Output):
    id: str
    org_id: str
    name: str
    timezone: str
    format: str
    phased: bool
    mirrored: bool
    game_minutes: int
    slots: list[datetime]
    publish_count: int
    published_at: datetime | None
    created_at: datetime

    @field_validator("slots", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [datetime.fromisoformat(str(v).replace("Z", "+00:00")) for v in value]
        return value


# --- venues and teams ----------------------------------------------------------------------


class VenueIn(Input):
    name: Name
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    unavailable_dates: list[date] = Field(default_factory=list, max_length=366)


class VenueUpdate(Input):
    name: Name | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    unavailable_dates: list[date] | None = Field(default=None, max_length=366)


class VenueOut(Output):
    id: str
    season_id: str
    name: str
    latitude: float | None
    longitude: float | None
    unavailable_dates: list[date]


class TeamIn(Input):
    name: Name
    venue_id: Id | None = None
    member_ids: list[Id] = Field(default_factory=list, max_length=100)
    contact_emails: list[Annotated[EmailStr, Field(max_length=320)]] = Field(
        default_factory=list, max_length=20
    )


class TeamUpdate(Input):
    name: Name | None = None
    venue_id: Id | None = None
    member_ids: list[Id] | None = Field(default=None, max_length=100)
    contact_emails: list[Annotated[EmailStr, Field(max_length=320)]] | None = Field(
        default=None, max_length=20
    )


class TeamOut(Output):
    id: str
    season_id: str
    name: str
    venue_id: str | None
    member_ids: list[str]
    contact_emails: list[str]


# --- rules ---------------------------------------------------------------------------------


class RuleIn(Input):
    """`teams`, `home`, `away` are team ids, `venue` a venue id, `slots` 0-based slot indices."""

    kind: RuleKind
    hard: bool = True
    weight: int = Field(default=1, ge=0, le=1_000_000)
    teams: list[Id] = Field(default_factory=list, max_length=200)
    slots: list[Annotated[int, Field(ge=0, le=1000)]] = Field(default_factory=list, max_length=400)
    value: int = Field(default=0, ge=0, le=1_000_000)
    home: Id | None = None
    away: Id | None = None
    venue: Id | None = None


class RuleOut(Output):
    id: str
    season_id: str
    kind: str
    hard: bool
    weight: int
    teams: list[str] = []
    slots: list[int] = []
    value: int = 0
    home: str | None = None
    away: str | None = None
    venue: str | None = None


# --- runs ----------------------------------------------------------------------------------


class RunIn(Input):
    time_limit: float = Field(default=10.0, ge=0.5, le=300.0)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class RunOut(Output):
    id: str
    season_id: str
    status: str
    seed: int
    time_limit: float
    best_hard: int | None
    best_cost: int | None
    elapsed: float
    error: str | None
    games: int | None = None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    applied_at: datetime | None


# --- schedule ------------------------------------------------------------------------------


class GameOut(Output):
    id: str
    slot: int
    home_team_id: str
    away_team_id: str
    venue_id: str | None
    starts_at: datetime | None
    event_id: str | None
    dirty: bool


class ViolationOut(Output):
    rule_id: str | None
    label: str
    hard: bool
    amount: int
    cost: int
    detail: str
    game_ids: list[str]


class CellOut(Output):
    game_id: str
    opponent_id: str
    home: bool


class RoundOut(Output):
    slot: int
    starts_at: datetime | None
    games: list[GameOut]
    cells: list[CellOut | None]
    """One per team, in the order of `teams`: that team's game of the round, or a bye."""


class TeamRefOut(Output):
    id: str
    name: str


class TravelOut(Output):
    team_id: str
    distance: int


class ScheduleOut(Output):
    season_id: str
    teams: list[TeamRefOut]
    rounds: list[RoundOut]
    travel: list[TravelOut]
    hard: int
    cost: int
    structure_errors: list[str]
    violations: list[ViolationOut]


class MoveIn(Input):
    game_id: Id
    slot: int = Field(ge=0, le=1000)
    persist: bool = False


class SwapIn(Input):
    game_id: Id
    other_game_id: Id
    persist: bool = False


class EditOut(Output):
    hard: int
    cost: int
    structure_errors: list[str]
    violations: list[ViolationOut]
    new_violations: list[ViolationOut]
    """What the edit breaks: violations the schedule did not have before it."""
    resolved_violations: list[ViolationOut]
    persisted: bool
    games: list[GameOut]
    """The edited games as they would be (or now are, when persisted)."""


class PublishOut(Output):
    created: int
    updated: int
    notified: int
    publish_count: int


class FeedOut(Output):
    kind: Literal["team", "venue"]
    id: str
    name: str
    url: str
