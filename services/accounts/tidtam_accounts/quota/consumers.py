"""The tenant's plan, from the gateway's tenant.created and tenant.plan_changed."""

from __future__ import annotations

from crmkit.consumer import Consumer

from ..config import settings
from .service import apply_plan

BINDINGS = ["tenant.created", "tenant.plan_changed"]


def register(consumer: Consumer) -> None:
    @consumer.handler("tenant.created")
    @consumer.handler("tenant.plan_changed")
    async def plan_changed(session, event, tenant):
        data = event.data
        limit = data["contact_limit"] if "contact_limit" in data else \
            settings().default_contact_limit
        await apply_plan(session, tenant, str(data.get("plan") or settings().default_plan),
                         limit, event.sequence)
