"""What the leads service does with other services' events: the users projection, the
tenant's defaults, and the accounts service's answers to conversions (conversion/). The kit's
Consumer commits each handler's effect together with the `(consumer, event_id)` record, so a
redelivery is skipped."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Consumer
from crmkit.context import TenantId
from crmkit.events import CloudEvent
from crmkit.users import USER_EVENTS, register_user_handlers

from .catalog.service import ensure_defaults
from .conversion import service as conversion
from .users.service import USERS

BINDINGS = ["tenant.created", *USER_EVENTS,
            "account.lead_converted", "account.conversion_failed", "account.merged"]


def register(consumer: Consumer) -> Consumer:
    @consumer.handler("tenant.created")
    async def tenant_created(session: AsyncSession, event: CloudEvent, tenant: TenantId) -> None:
        await ensure_defaults(session, tenant)

    register_user_handlers(consumer, USERS)

    @consumer.handler("account.lead_converted")
    async def lead_converted(session: AsyncSession, event: CloudEvent, tenant: TenantId) -> None:
        await conversion.apply_converted(session, tenant, event.data)

    @consumer.handler("account.conversion_failed")
    async def conversion_failed(session: AsyncSession, event: CloudEvent, tenant: TenantId) -> None:
        await conversion.apply_failed(session, tenant, event.data)

    @consumer.handler("account.merged")
    async def account_merged(session: AsyncSession, event: CloudEvent, tenant: TenantId) -> None:
        await conversion.apply_merged(session, tenant, event.data)

    return consumer
