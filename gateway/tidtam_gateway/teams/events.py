from __future__ import annotations

import uuid

from pydantic import BaseModel

from crmkit.events import event_data


@event_data("team.created")
class TeamData(BaseModel):
    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
