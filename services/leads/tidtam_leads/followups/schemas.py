from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from crmkit.text import Text

Channel = Literal["phone", "email", "line", "meeting", "note"]
Kind = Literal["followup", "created", "updated", "sent", "lost", "junked", "restored",
               "stage_changed", "transferred", "conversion_requested", "converted",
               "conversion_failed", "account_merged", "qualified", "disqualified",
               "assigned"]


class FollowupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel
    note: Annotated[str, Text(5000)]
    next_contact_at: AwareDatetime | None = Field(
        None, description="When to contact next, with a time zone (e.g. +07:00)")


class AuthorOut(BaseModel):
    id: uuid.UUID | None
    name: str | None


class EntryOut(BaseModel):
    id: int
    lead_id: uuid.UUID
    kind: Kind
    channel: Channel | None
    note: str | None
    next_contact_at: datetime | None
    detail: dict[str, Any]
    author: AuthorOut
    created_at: datetime
