"""A change of the person's consent (PDPA) recorded on a lead: withdrawn or given again."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from crmkit.text import Text

# How the person told us: the answer names it, and the history keeps it.
How = Literal["phone", "email", "line", "in_person", "letter", "web_form", "other"]
Scope = Literal["marketing", "all"]


class ConsentRevokeIn(BaseModel):
    """The person withdrew their consent: `marketing` (no more offers; the default) or `all`
    (every processing they had agreed to; the lead stays, an erase is a privacy request's)."""

    model_config = ConfigDict(extra="forbid")

    scope: Scope = "marketing"
    channel: How = Field(description="How the person withdrew it")
    note: Annotated[str, Text(500)] | None = Field(None, description="In their words, or a "
                                                                     "reference")


class ConsentGrantIn(BaseModel):
    """The person gave their consent again (or for the first time, for a lead typed in): to
    being contacted, and to marketing when `marketing` is true."""

    model_config = ConfigDict(extra="forbid")

    marketing: bool = Field(description="Whether they agreed to marketing too")
    channel: How = Field(description="How the person gave it")
    note: Annotated[str, Text(500)] | None = None


class ConsentChange(BaseModel):
    """The latest change of the person's consent someone recorded on the lead."""

    action: Literal["revoked", "granted"]
    scope: Scope = Field(description="What was withdrawn (`marketing` or `all`); `all` for a "
                                     "grant")
    marketing: bool = Field(description="Whether marketing is allowed after this change")
    channel: How
    note: str | None
    at: datetime
    by_user_id: uuid.UUID


def marketing_allowed(consent: Mapping[str, Any] | None,
                      change: Mapping[str, Any] | None) -> bool | None:
    """Whether marketing to the person is allowed now: the latest change recorded, else the
    consent captured; None when neither says (a lead typed in)."""
    if change is not None:
        return bool(change.get("marketing"))
    if consent is not None:
        return bool(consent.get("marketing"))
    return None
