from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, StrictBool, field_validator

from crmkit.fields import Omittable
from tidtam_contracts.gateway import User

from ..common import Email, Input, Name, Password

UserRole = Literal["admin", "manager", "sales"]


class UserCreate(Input):
    email: Email
    name: Name
    password: Password
    role: UserRole = "sales"
    team_id: uuid.UUID | None = None

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
    """A user as the API shows it: what the events carry, plus when."""

    created_at: datetime
    updated_at: datetime


class PersonOut(BaseModel):
    """A colleague as every user of the tenant may see them: enough to name owners and pick
    whom to send a lead to (emails and the rest are for admins, GET /users)."""

    id: uuid.UUID
    name: str
    role: UserRole
    team_id: uuid.UUID | None
    active: bool
