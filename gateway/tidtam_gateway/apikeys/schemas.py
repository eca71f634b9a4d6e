from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from ..common import Input, Name


class ApiKeyCreate(Input):
    name: Name = Field(description="What the key is for, e.g. `website form`")


class ApiKeyOut(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str = Field(description="The key's first characters, to recognise it")
    created_by: uuid.UUID
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The key itself. Shown only this once: store it now. Send "
                                 "it as `Authorization: Bearer <key>` or `X-API-Key`.")
