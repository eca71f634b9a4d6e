from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from crmkit.text import Text

from ..forms.schemas import PRODUCTS_DOC, FormProducts, SourceKey

Secret = Annotated[str, Field(min_length=8, max_length=500, pattern=r"^[\x21-\x7e]+$")]


class LineChannelIn(BaseModel):
    """The channel as the LINE Developers console shows it. The secret and the access token
    are kept sealed and never shown again; send them again to change them."""

    channel_id: Annotated[str, Text(40)]
    channel_secret: Secret
    access_token: Secret
    source: SourceKey = "line"
    owner_id: uuid.UUID | None = Field(None, description="Who its leads go to; none: the "
                                                         "tenant's first admin")
    product_ids: FormProducts = Field(default_factory=list, description=PRODUCTS_DOC)


class LineChannelOut(BaseModel):
    channel_id: str
    source: str
    owner_id: uuid.UUID | None
    product_ids: list[uuid.UUID]
    webhook_url: str = Field(description="Paste into the console's Webhook URL")
    secrets_set: bool = Field(description="A secret and a token are kept (never shown)")
    created_at: datetime
    updated_at: datetime


class LineSource(BaseModel):
    type: str
    userId: str | None = None


class LineEventIn(BaseModel):
    """The part of a webhook event we read (line-bot-sdk's model has all of it)."""

    type: str
    webhookEventId: str = Field(min_length=1, max_length=100)
    source: LineSource | None = None
    message: dict[str, Any] | None = None
    timestamp: int | None = None


class LineWebhook(BaseModel):
    destination: str | None = None
    events: list[dict[str, Any]] = Field(default_factory=list)
