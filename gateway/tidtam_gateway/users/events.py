from __future__ import annotations

import uuid

from pydantic import BaseModel

from crmkit.events import event_data


class UserData(BaseModel):
    """`user.created`, `user.updated`, `user.deactivated` v1 (docs/CONTRACTS.md)."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    email: str
    name: str
    role: str
    team_id: uuid.UUID | None
    active: bool


for _type in ("user.created", "user.updated", "user.deactivated"):
    event_data(_type)(UserData)
