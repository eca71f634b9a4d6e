"""The tenant's plan, from the gateway's tenant.created and tenant.plan_changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on_each
from tidtam_contracts.gateway import TenantCreatedV1, TenantPlanChangedV1

from ..config import settings
from .service import apply_plan


async def plan_changed(session: AsyncSession,
                       event: Delivery[TenantCreatedV1 | TenantPlanChangedV1]) -> None:
    data = event.data
    # A tenant.created from before plans had limits has none: the default applies.
    limit = data.contact_limit if "contact_limit" in data.model_fields_set \
        else settings().default_contact_limit
    await apply_plan(session, event.tenant, data.plan or settings().default_plan, limit,
                     event.sequence)


HANDLERS: list[Handler[Any]] = on_each([TenantCreatedV1, TenantPlanChangedV1], plan_changed)
