"""Lead events: `data` is the lead after the change (v1). Movement events add from/to."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from crmkit.context import TenantId
from crmkit.custom import CustomValuesOut
from crmkit.events import event_data, make_event
from crmkit.logging import correlation_id

from ..config import SERVICE


class LeadData(BaseModel):
    id: uuid.UUID
    name: str
    phone: str
    email: str
    company: str | None = None
    note: str | None = None
    source: str
    owner_id: uuid.UUID
    status: str
    reason: str | None = None
    sent_by: list[uuid.UUID]
    pipeline_id: uuid.UUID
    stage_id: uuid.UUID
    potential: Decimal | None = None
    custom: CustomValuesOut = {}
    account_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    conversion_status: str | None = None
    version: int
    created_at: datetime
    updated_at: datetime


@event_data("lead.created")
class LeadCreatedV1(LeadData):
    pass


@event_data("lead.updated")
class LeadUpdatedV1(LeadData):
    changed: list[str]


def lead_data(row: Any) -> dict[str, Any]:
    """A leads row (mapping or ORM) as event data fields."""
    get = row.__getitem__ if hasattr(row, "__getitem__") else lambda k: getattr(row, k)
    out = {f: get(f) for f in LeadData.model_fields if f != "reason"}
    out["reason"] = get("status_reason")
    return out


def lead_event(tenant: TenantId, type_: str, row: Any, **extra: Any):
    return make_event(service=SERVICE, type_=type_, tenant_id=tenant.value,
                      subject=str(row["id"]), data={**lead_data(row), **extra},
                      sequence=row["version"], correlation_id=correlation_id.get())


async def stage_lead_event(session: AsyncSession, tenant: TenantId, type_: str, row: Any,
                           **extra: Any) -> None:
    """Stage in the outbox, in the caller's transaction: committed with the change or not
    at all."""
    await outbox.stage(session, lead_event(tenant, type_, row, **extra))
