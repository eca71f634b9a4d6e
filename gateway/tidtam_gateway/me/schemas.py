from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, WithJsonSchema

from crmkit.fields import Omittable
from crmkit.text import check_unicode

from ..common import Input, Name, Password
from ..users.schemas import Language


class MeOut(BaseModel):
    id: uuid.UUID = Field(description="The user; for an API key, the admin who made it")
    tenant_id: uuid.UUID
    email: str | None
    name: str | None
    role: Literal["admin", "manager", "sales", "integration"]
    team_id: uuid.UUID | None
    language: Language | None = Field(description="The user's language; null for an API key")
    must_change_password: bool = Field(description=(
        "An admin set the password: the UI asks for the user's own (POST /api/v1/me/password)"))


class MePatch(Input):
    """Only the fields sent change; an explicit null is a 422."""

    name: Omittable[Name] = None
    language: Omittable[Language] = None


class PasswordChangeIn(Input):
    current_password: Annotated[
        str, AfterValidator(check_unicode),
        WithJsonSchema({"type": "string", "maxLength": 128, "pattern": r"^[^\x00]*$"}),
    ] = Field(max_length=128, description="The password in use now")
    new_password: Password
