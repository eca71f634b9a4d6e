from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from ..forms.schemas import PRODUCTS_DOC, FormProducts, SourceKey
from ..line.schemas import Secret


class EmailInboxIn(BaseModel):
    """The signing secret is what the provider's inbound webhook (set up to post to
    `webhook_url`) signs with: `X-Signature-256: sha256=` hex HMAC-SHA256 of the raw body.
    It is kept sealed and never shown again; send it again to change it."""

    signing_secret: Secret
    source: SourceKey = "email"
    owner_id: uuid.UUID | None = Field(None, description="Who its leads go to; none: the "
                                                         "tenant's first admin")
    product_ids: FormProducts = Field(default_factory=list, description=PRODUCTS_DOC)


class EmailInboxOut(BaseModel):
    address: str = Field(description="The tenant's inbound address: route it at the "
                                     "provider to `webhook_url`")
    source: str
    owner_id: uuid.UUID | None
    product_ids: list[uuid.UUID]
    webhook_url: str = Field(description="Where the provider's inbound webhook posts")
    secrets_set: bool = Field(description="A signing secret is kept (never shown)")
    created_at: datetime
    updated_at: datetime
