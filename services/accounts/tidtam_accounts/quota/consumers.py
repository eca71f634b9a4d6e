"""The tenant's plan, from the gateway's tenant.created and tenant.plan_changed."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Consumer
from crmkit.context import TenantId
from crmkit.events import CloudEvent

from ..config import settings
from .service import apply_plan

BINDINGS = ["tenant.created", "tenant.plan_changed"]


def register(consumer: Consumer) -> None:
    @consumer.handler("tenant.created")
    @consumer.handler("tenant.plan_changed")
    async def plan_changed(session: AsyncSession, event: CloudEvent, tenant: TenantId) -> None:
        data = event.data
        limit = data["contact_limit"] if "contact_limit" in data else \
            settings().default_contact_limit
        await apply_plan(session, tenant, str(data.get("plan") or settings().default_plan),
                         limit, event.sequence)
