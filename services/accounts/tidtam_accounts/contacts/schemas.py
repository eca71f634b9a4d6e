from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from crmkit.fields import Email, JsonBool, JsonDate
from crmkit.text import Phone, text
from tidtam_contracts.accounts import Contact


class ContactCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: text(200)
    position: text(100) | None = None
    phones: list[Phone] = Field(default_factory=list, max_length=10)
    emails: list[Email] = Field(default_factory=list, max_length=10)
    line_id: text(100) | None = None
    birthday: JsonDate | None = None
    is_primary: JsonBool = Field(False, description="The account's main contact; setting it "
                                                "unsets the previous one. The first contact "
                                                "of an account is primary anyway.")


class ContactPatch(BaseModel):
    """Only the fields sent change; `name` may not be null."""

    model_config = ConfigDict(extra="forbid")

    name: text(200) = None  # type: ignore[assignment]
    position: text(100) | None = None
    phones: list[Phone] = Field(None, max_length=10)  # type: ignore[assignment]
    emails: list[Email] = Field(None, max_length=10)  # type: ignore[assignment]
    line_id: text(100) | None = None
    birthday: JsonDate | None = None
    is_primary: JsonBool = None  # type: ignore[assignment]


class ContactOut(Contact):
    """The contact: its fields are the contact events' too (tidtam_contracts.accounts)."""


class ContactPage(BaseModel):
    items: list[ContactOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")
