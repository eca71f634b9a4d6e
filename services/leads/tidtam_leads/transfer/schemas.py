from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict


class TransferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_user_id: uuid.UUID
    to_user_id: uuid.UUID


class TransferOut(BaseModel):
    moved: int
