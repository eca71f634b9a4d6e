"""Stage a gateway event in the outbox, in the caller's transaction (the relay publishes)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from tidtam_contracts import EventData

from .contracts import EVENTS


async def stage(session: AsyncSession, data: EventData, *, tenant_id: uuid.UUID,
                subject: uuid.UUID, sequence: int = 1) -> None:
    await outbox.stage(session, EVENTS.event(data, tenant_id=tenant_id, subject=str(subject),
                                             sequence=sequence))
