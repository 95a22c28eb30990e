"""The forms of the web UI as Pydantic models, and their errors as one message per field."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, ValidationError

from cadence.accounts.roles import Role
from cadence.http.schemas import Name, Password

F = TypeVar("F", bound=BaseModel)


@lru_cache(maxsize=1)
def timezones() -> list[str]:
    """Every IANA zone name, sorted, for the timezone selects."""
    return sorted(zoneinfo.available_timezones() | {"UTC"})


def _known_timezone(value: str) -> str:
    if value not in set(timezones()):
        raise ValueError("Choose a timezone from the list.")
    return value


Timezone = Annotated[str, Field(max_length=64), AfterValidator(_known_timezone)]
Email = Annotated[EmailStr, Field(max_length=320)]


class Form(BaseModel):
    """Forms ignore extra fields (the CSRF token, the submit button)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)


class RegisterForm(Form):
    name: Name
    email: Email
    password: Password
    timezone: Timezone = "UTC"


class LoginForm(Form):
    email: Annotated[str, Field(min_length=1, max_length=320)]
    password: Annotated[str, Field(min_length=1, max_length=1000)]
    totp_code: Annotated[str, Field(max_length=64)] = ""


class OrgForm(Form):
    name: Name
    timezone: Timezone


class InviteForm(Form):
    email: Email
    role: Role = Role.member


class RoleForm(Form):
    role: Role


class ProfileForm(Form):
    name: Name
    timezone: Timezone


class PasswordChangeForm(Form):
    current_password: Annotated[str, Field(min_length=1, max_length=1000)]
    new_password: Password


class CodeForm(Form):
    code: Annotated[str, Field(min_length=6, max_length=12)]


class PasswordForm(Form):
    password: Annotated[str, Field(min_length=1, max_length=1000)]


class ForgotForm(Form):
    email: Email


class ResetForm(Form):
    new_password: Password


def _message(error: Any) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return "This field is required."
    if kind == "string_too_short":
        return f"Use at least {ctx.get('min_length')} characters."
    if kind == "string_too_long":
        return f"Use at most {ctx.get('max_length')} characters."
    if kind == "enum":
        return "Choose one of the options."
    message = str(error.get("msg", "This value is not valid."))
    message = message.removeprefix("Value error, ")
    if "email address" in message:
        return "Enter a valid email address, like name@example.com."
    return message[:1].upper() + message[1:]


def parse(model: type[F], data: dict[str, str]) -> tuple[F | None, dict[str, str]]:
    """The validated form, or None and a message per field name."""
    try:
        return model.model_validate(data), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            loc = error.get("loc") or ("form",)
            errors.setdefault(str(loc[0]), _message(error))
        return None, errors
