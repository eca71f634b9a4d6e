"""The timeline's events: every lead event it shows or links by, and our own merges."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Consumer
from crmkit.context import TenantId
from crmkit.events import CloudEvent

from . import service

BINDINGS = [*service.LEAD_EVENTS, "account.merged"]


def register(consumer: Consumer) -> None:
    for type_ in service.LEAD_EVENTS:
        consumer.handler(type_)(_lead_event)

    @consumer.handler("account.merged")
    async def merged(session: AsyncSession, event: CloudEvent, tenant: TenantId) -> None:
        await service.apply_merged(session, tenant, event.data)


async def _lead_event(session: AsyncSession, event: CloudEvent, tenant: TenantId) -> None:
    await service.apply_lead_event(session, tenant, event)
