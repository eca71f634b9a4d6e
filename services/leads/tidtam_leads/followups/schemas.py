from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from crmkit.fields import Instant
from crmkit.text import Text

Channel = Literal["phone", "email", "line", "meeting", "note"]
Kind = Literal["followup", "created", "updated", "sent", "lost", "junked", "restored",
               "stage_changed", "transferred", "conversion_requested", "converted",
               "conversion_failed", "account_merged", "activity_created",
               "activity_completed", "activity_cancelled", "checkin", "quote_sent",
               "qualified", "disqualified", "assigned", "consent_revoked", "consent_granted"]


class FollowupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel
    note: Annotated[str, Text(5000)]
    next_contact_at: Instant | None = Field(
        None, description="When to contact next: ISO 8601 with a time zone (e.g. "
                          "2026-12-01T10:00:00+07:00); the lead's owner's calendar shows it "
                          "as a planned call until the next follow-up")


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
