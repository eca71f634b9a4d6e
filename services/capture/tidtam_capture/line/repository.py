"""All SQL about LINE channels and the webhook events taken (crmkit-style rows shared with
the other channels: ..channel_rows)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .. import channel_rows
from .models import LineChannel, LineEvent


async def put(session: AsyncSession, tenant: TenantId, values: dict[str, Any]
              ) -> dict[str, Any]:
    return await channel_rows.put(session, tenant, LineChannel, values)


async def get(session: AsyncSession, tenant: TenantId) -> dict[str, Any] | None:
    return await channel_rows.get(session, tenant, LineChannel)


async def delete(session: AsyncSession, tenant: TenantId) -> bool:
    return await channel_rows.delete(session, tenant, LineChannel)


async def take_event(session: AsyncSession, tenant: TenantId, webhook_event_id: str) -> bool:
    """True the first time this event comes; False for LINE's redelivery of it."""
    return await channel_rows.take(session, tenant, LineEvent, "webhook_event_id",
                                   webhook_event_id)
