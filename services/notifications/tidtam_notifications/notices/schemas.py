from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, create_model

from .kinds import KINDS


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


class MarkIds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[uuid.UUID] = Field(min_length=1, max_length=500,
                                 description="Notices of the caller's")


class MarkAll(BaseModel):
    model_config = ConfigDict(extra="forbid")

    all: Literal[True] = Field(description="Every notice of the caller's")


# Exactly one of the two forms.
MarkRead = MarkIds | MarkAll


class Marked(BaseModel):
    marked: int = Field(description="Notices that were unread and are read now")


class ChannelChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: StrictBool
    in_app: StrictBool


def preferences_model() -> type[BaseModel]:
    """Per kind of message (every registered kind, a field each): by email and/or in the
    app. A PUT may name some kinds; the others keep their choice. Built once the handlers
    have registered their kinds."""
    fields: dict[str, Any] = {name: (ChannelChoice | None, None) for name in KINDS}
    kinds = create_model("PreferenceKinds", __config__=ConfigDict(extra="forbid"), **fields)
    return create_model("Preferences", __config__=ConfigDict(extra="forbid"),
                        kinds=(kinds, ...))
