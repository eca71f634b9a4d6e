"""Activity events: `data` is the activity after the change (tidtam_contracts.activities.
Activity, which ActivityOut extends); `activity.updated` adds `changed`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from crmkit.context import TenantId
from tidtam_contracts.activities import Activity, ActivityEventV1

from ..contracts import EVENTS


async def stage_activity_event(session: AsyncSession, tenant: TenantId,
                               contract: type[ActivityEventV1], activity: Activity,
                               **extra: Any) -> None:
    """Staged in the outbox, in the caller's transaction: committed with the change or not
    at all."""
    data = contract.model_validate({**activity.model_dump(exclude={"overdue"}), **extra})
    await outbox.stage(session, EVENTS.event(data, tenant_id=tenant.value,
                                             subject=str(activity.id),
                                             sequence=activity.version))
