from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from crmkit.fields import Email, JsonBool, JsonDate, Omittable
from crmkit.text import Phone, Text
from tidtam_contracts.accounts import Contact


class ContactCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Text(200)]
    position: Annotated[str, Text(100)] | None = None
    phones: list[Phone] = Field(default_factory=list, max_length=10)
    emails: list[Email] = Field(default_factory=list, max_length=10)
    line_id: Annotated[str, Text(100)] | None = None
    birthday: JsonDate | None = None
    is_primary: JsonBool = Field(False, description="The account's main contact; setting it "
                                                "unsets the previous one. The first contact "
                                                "of an account is primary anyway.")


class ContactPatch(BaseModel):
    """Only the fields sent change; `name` may not be null."""

    model_config = ConfigDict(extra="forbid")

    name: Omittable[Annotated[str, Text(200)]] = None
    position: Annotated[str, Text(100)] | None = None
    phones: Omittable[list[Phone]] = Field(None, max_length=10)
    emails: Omittable[list[Email]] = Field(None, max_length=10)
    line_id: Annotated[str, Text(100)] | None = None
    birthday: JsonDate | None = None
    is_primary: Omittable[JsonBool] = None


class ContactOut(Contact):
    """The contact: its fields are the contact events' too (tidtam_contracts.accounts)."""


class ContactPage(BaseModel):
    items: list[ContactOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")
