from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the token expires")


class MeOut(BaseModel):
    id: uuid.UUID = Field(description="The user; for an API key, the admin who made it")
    tenant_id: uuid.UUID
    email: str | None
    name: str | None
    role: Literal["admin", "manager", "sales", "integration"]
    team_id: uuid.UUID | None
