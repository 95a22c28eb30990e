"""Building blocks shared by every module's request and response models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    field_serializer,
)

T = TypeVar("T")


class Input(BaseModel):
    """Request bodies refuse unknown fields, so a typo is a 422 and not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    """Responses: every datetime leaves as UTC with a `Z`, whatever zone it was built in."""

    model_config = ConfigDict(from_attributes=True)

    @field_serializer("*", mode="wrap")
    def _utc(self, value: Any, handler: SerializerFunctionWrapHandler) -> Any:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return handler(value)


class Page(Output, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("needs a timezone offset, for example 2026-05-01T19:00:00+01:00")
    return value.astimezone(UTC)


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Password = Annotated[str, Field(min_length=10, max_length=1000)]
AwareDatetime = Annotated[datetime, AfterValidator(_aware)]
Limit = Annotated[int, Field(ge=1, le=200)]


class ProblemOut(BaseModel):
    """RFC 9457 problem details, as every error of the API is answered."""

    type: str
    title: str
    status: int
    detail: str


def _problem(description: str) -> dict[str, object]:
    return {
        "model": ProblemOut,
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemOut"}}
        },
    }


PROBLEM_RESPONSES: dict[int | str, dict[str, object]] = {
    400: _problem("Malformed request"),
    401: _problem("Missing, invalid or expired access token"),
    403: _problem("Your role in this organisation does not allow it"),
    404: _problem("Not found, or belongs to another organisation"),
    409: _problem("Conflicts with the current state"),
    413: _problem("Request body over 1 MiB"),
    422: _problem("Invalid input; `errors` lists the offending fields"),
    429: _problem("Too many requests; see Retry-After"),
}
