"""Documents events (tidtam_contracts.documents), staged in the outbox in the caller's
transaction; `sequence` is the thing's `version`."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from crmkit.context import TenantId
from tidtam_contracts import EventData

from .contracts import EVENTS


async def stage(session: AsyncSession, tenant: TenantId, data: EventData, *, subject: str,
                version: int) -> None:
    await outbox.stage(session, EVENTS.event(data, tenant_id=tenant.value, subject=subject,
                                             sequence=version))
