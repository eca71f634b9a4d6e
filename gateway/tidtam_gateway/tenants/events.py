from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from crmkit.events import event_data

CONTACT_LIMIT_DOC = "Contacts the tenant may keep on its plan; null: no limit"


@event_data("tenant.created")
class TenantData(BaseModel):
    id: uuid.UUID
    name: str
    plan: str
    contact_limit: int | None = Field(None, description=CONTACT_LIMIT_DOC)


@event_data("tenant.plan_changed")
class TenantPlanData(BaseModel):
    id: uuid.UUID
    plan: str
    contact_limit: int | None = Field(description=CONTACT_LIMIT_DOC)
