from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, StrictBool, field_validator

from crmkit.fields import Omittable
from tidtam_contracts.gateway import User

from ..common import Email, Input, Name, Password

UserRole = Literal["admin", "manager", "sales"]
Language = Literal["th", "en"]


class UserCreate(Input):
    email: Email
    name: Name
    password: Password
    role: UserRole = "sales"
    team_id: uuid.UUID | None = None
    language: Language = "th"
    must_change_password: StrictBool = Field(False, description=(
        "An invitation: the user must choose their own password after the first login "
        "(GET /api/v1/me says so; POST /api/v1/me/password clears it)"))

    @field_validator("email")
    @classmethod
    def _lower(cls, v: str) -> str:
        return v.lower()


class UserUpdate(Input):
    """Only the fields sent change. Fields other than `team_id` may not be null:
    leave a field out to keep it (an explicit null is a 422)."""

    email: Omittable[Email] = None
    name: Omittable[Name] = None
    password: Omittable[Password] = None
    role: Omittable[UserRole] = None
    team_id: uuid.UUID | None = None
    active: Omittable[StrictBool] = None

    @field_validator("email")
    @classmethod
    def _lower(cls, v: str) -> str:
        return v.lower()


class UserOut(User):
    """A user as the API shows it: what the events carry, plus their language, whether they
    must change an admin-set password, and when."""

    language: Language
    must_change_password: bool
    created_at: datetime
    updated_at: datetime


class DeactivateIn(Input):
    transfer_leads_to: uuid.UUID | None = Field(None, description=(
        "An active user of the tenant who takes over every lead the deactivated user owns "
        "(the leads service moves them within seconds, each with a `transferred` history "
        "entry); null or absent: the leads stay with the deactivated user"))


class PasswordResetIn(Input):
    password: Password | None = Field(None, description=(
        "The new password; absent or null: a one-time password is generated and returned "
        "once"))
    must_change_password: StrictBool = Field(True, description=(
        "Whether the user must choose their own password after logging in with this one"))


class PasswordResetOut(BaseModel):
    user: UserOut
    temporary_password: str | None = Field(description=(
        "The generated one-time password, shown only in this answer; null when the body "
        "named the password"))


class PersonOut(BaseModel):
    """A colleague as every user of the tenant may see them: enough to name owners and pick
    whom to send a lead to (emails and the rest are for admins, GET /users)."""

    id: uuid.UUID
    name: str
    role: UserRole
    team_id: uuid.UUID | None
    active: bool
