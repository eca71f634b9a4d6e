from __future__ import annotations

import uuid

from pydantic import BaseModel

from crmkit.events import event_data


@event_data("tenant.created")
class TenantData(BaseModel):
    id: uuid.UUID
    name: str
    plan: str
