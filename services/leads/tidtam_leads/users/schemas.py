from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict


class GatewayUser(BaseModel):
    """`data` of the gateway's user.created/updated/deactivated (v1, docs/CONTRACTS.md).
    Not registered with crmkit.events: the gateway owns that registration."""

    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    tenant_id: uuid.UUID
    email: str
    name: str
    role: str
    team_id: uuid.UUID | None = None
    active: bool = True


class Author(BaseModel):
    id: uuid.UUID | None
    name: str | None
