"""Stage a gateway event in the outbox, in the caller's transaction (the relay publishes)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from crmkit.events import make_event
from crmkit.logging import correlation_id

SERVICE = "gateway"


async def stage(session: AsyncSession, *, type_: str, tenant_id: uuid.UUID,
                subject: uuid.UUID, data: BaseModel, sequence: int = 1) -> None:
    event = make_event(service=SERVICE, type_=type_, tenant_id=tenant_id, subject=str(subject),
                       data=data, sequence=sequence, correlation_id=correlation_id.get())
    await outbox.stage(session, event)
