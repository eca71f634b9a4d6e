"""Contact events: `data` is the contact after the change (tidtam_contracts.accounts.
Contact, which ContactOut extends); `contact.updated` adds `changed`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from crmkit.context import TenantId
from crmkit.events import CloudEvent
from tidtam_contracts.accounts import ContactEventV1

from ..contracts import EVENTS


def contact_event(tenant: TenantId, contract: type[ContactEventV1], row: Any,
                  **extra: Any) -> CloudEvent:
    data = contract.model_validate({**dict(row), **extra})
    return EVENTS.event(data, tenant_id=tenant.value,
                        subject=str(row["id"]), sequence=row["version"])


async def stage_contact_event(session: AsyncSession, tenant: TenantId,
                              contract: type[ContactEventV1], row: Any, **extra: Any) -> None:
    await outbox.stage(session, contact_event(tenant, contract, row, **extra))
