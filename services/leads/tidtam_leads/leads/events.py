"""Lead events: `data` is the lead after the change (tidtam_contracts.leads.Lead), plus
what the event type adds. Producers name the contract; its class fixes type and version."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from crmkit.context import TenantId
from crmkit.events import CloudEvent
from tidtam_contracts.leads import Lead, LeadEvent

from ..contracts import EVENTS

# Database columns with another name in the contract (the column keeps its old name).
_COLUMNS = {"box": "status", "reason": "status_reason"}


def lead_fields(row: Any) -> dict[str, Any]:
    """A leads row (mapping or ORM) as the contract's lead fields."""
    get = row.__getitem__ if hasattr(row, "__getitem__") else lambda k: getattr(row, k)
    return {f: get(_COLUMNS.get(f, f)) for f in Lead.model_fields}


def lead_event(tenant: TenantId, contract: type[LeadEvent], row: Any,
               **extra: Any) -> CloudEvent:
    data = contract.model_validate({**lead_fields(row), **extra})
    return EVENTS.event(data, tenant_id=tenant.value, subject=str(row["id"]),
                        sequence=row["version"])


async def stage_lead_event(session: AsyncSession, tenant: TenantId,
                           contract: type[LeadEvent], row: Any, **extra: Any) -> None:
    """Stage in the outbox, in the caller's transaction: committed with the change or not
    at all."""
    await outbox.stage(session, lead_event(tenant, contract, row, **extra))
