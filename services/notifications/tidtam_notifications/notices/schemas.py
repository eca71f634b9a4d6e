from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator


class NoticeOut(BaseModel):
    id: uuid.UUID
    kind: str = Field(description="The kind of message (`lead_sent`, `lead_assigned`, "
                                  "`leads_transferred`, …; GET /notification-preferences "
                                  "lists them)")
    title: str = Field(description="In the recipient's language")
    link: str = Field(description="The web UI route of the record, e.g. `#/leads/<id>`")
    count: int = Field(description="How many events it gathers (a transfer: the leads)")
    params: dict[str, Any] = Field(description="What the message was made from")
    created_at: datetime
    updated_at: datetime
    read_at: datetime | None


class NoticePage(BaseModel):
    items: list[NoticeOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")


class UnreadCount(BaseModel):
    unread: int


class MarkRead(BaseModel):
    """Exactly one of `ids` (the caller's notices) and `all: true`."""

    model_config = ConfigDict(extra="forbid")

    ids: list[uuid.UUID] | None = Field(None, min_length=1, max_length=500)
    all: StrictBool | None = Field(None, description="true: every notice of the caller")

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if (self.ids is None) == (self.all is not True):
            raise ValueError("send either `ids` (a list of your notices' ids) or "
                             "`all: true`")
        return self


class Marked(BaseModel):
    marked: int = Field(description="Notices that were unread and are read now")


class ChannelChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: StrictBool
    in_app: StrictBool


class Preferences(BaseModel):
    """Per kind of message: by email and/or in the app. A PUT may name some kinds; the
    others keep their choice."""

    model_config = ConfigDict(extra="forbid")

    kinds: dict[str, ChannelChoice] = Field(max_length=100)
