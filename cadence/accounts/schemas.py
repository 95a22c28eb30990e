"""Request and response models of the accounts API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import EmailStr, Field

from cadence.accounts.roles import Role
from cadence.http.schemas import Input, Name, Output, Password

TimezoneName = str


class RegisterIn(Input):
    email: EmailStr = Field(max_length=320)
    password: Password
    name: Name
    timezone: str = Field(default="UTC", max_length=64)


class UserOut(Output):
    id: str
    email: str
    name: str
    timezone: str


class LoginIn(Input):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)
    totp_code: str | None = Field(default=None, max_length=12)
    recovery_code: str | None = Field(default=None, max_length=64)


class TokenOut(Output):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int


class RefreshIn(Input):
    refresh_token: str = Field(max_length=200)


class MeUpdate(Input):
    name: Name | None = None
    timezone: str | None = Field(default=None, max_length=64)


class PasswordChangeIn(Input):
    current_password: str = Field(max_length=1000)
    new_password: Password


class PasswordResetRequestIn(Input):
    email: EmailStr = Field(max_length=320)


class PasswordResetConfirmIn(Input):
    token: str = Field(min_length=1, max_length=200)
    new_password: Password


class PasswordIn(Input):
    password: str = Field(max_length=1000)


class TotpSetupOut(Output):
    secret: str
    otpauth_uri: str
    qr_svg: str


class TotpConfirmIn(Input):
    code: str = Field(min_length=6, max_length=12)


class RecoveryCodesOut(Output):
    recovery_codes: list[str]


class OrgCreate(Input):
    name: Name
    timezone: str = Field(max_length=64)
    kind: Literal["general", "band", "company", "events", "venue", "league"] = "general"


class OrgUpdate(Input):
    name: Name | None = None
    timezone: str | None = Field(default=None, max_length=64)


class OrgOut(Output):
    id: str
    name: str
    timezone: str
    kind: str
    role: Role | None = None


class MemberOut(Output):
    user_id: str
    name: str
    email: str
    role: Role
    joined_at: datetime


class RoleChange(Input):
    role: Role


class InvitationCreate(Input):
    email: EmailStr = Field(max_length=320)
    role: Role = Role.member


class InvitationOut(Output):
    id: str
    email: str
    role: Role
    expires_at: datetime
    created_at: datetime


class InvitationCreated(InvitationOut):
    token: str
    url: str


class MembershipOut(Output):
    org_id: str
    user_id: str
    role: Role
    joined_at: datetime


class AuditOut(Output):
    id: str
    org_id: str | None
    actor_id: str | None
    action: str
    target_type: str
    target_id: str | None
    before: dict[str, object] | None
    after: dict[str, object] | None
    at: datetime
    request_id: str | None
