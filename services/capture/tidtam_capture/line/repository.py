"""All SQL about LINE channels and the webhook events taken (crmkit-style rows shared with
the other channels: ..channel_rows)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .. import channel_rows
from .models import LineEvent


async def take_event(session: AsyncSession, tenant: TenantId, webhook_event_id: str) -> bool:
    """True the first time this event comes; False for LINE's redelivery of it."""
    return await channel_rows.take(session, tenant, LineEvent, "webhook_event_id",
                                   webhook_event_id)
