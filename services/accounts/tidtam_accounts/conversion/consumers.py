"""`lead.conversion_requested` → the account and contact, and the answer to leads."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Consumer
from crmkit.context import TenantId
from crmkit.events import CloudEvent

from . import service

BINDINGS = ["lead.conversion_requested"]


def register(consumer: Consumer) -> None:
    @consumer.handler("lead.conversion_requested")
    async def conversion_requested(session: AsyncSession, event: CloudEvent,
                                   tenant: TenantId) -> None:
        await service.convert(session, tenant, event.data, event.correlationid)
