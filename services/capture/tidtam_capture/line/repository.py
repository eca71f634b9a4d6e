"""All SQL about LINE channels and the webhook events taken (crmkit-style rows shared with
the other channels: ..channel_rows)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .models import LineEvent


async def take_event(session: AsyncSession, tenant: TenantId, webhook_event_id: str,
                     payload: dict[str, Any]) -> bool:
    """Keep the event (what the webhook read of it) the first time it comes; False for
    LINE's redelivery of it."""
    done = await session.execute(
        insert(LineEvent).values(tenant_id=tenant.value, webhook_event_id=webhook_event_id,
                                 payload=payload)
        .on_conflict_do_nothing(index_elements=[LineEvent.tenant_id, LineEvent.webhook_event_id])
        .returning(LineEvent.webhook_event_id))
    return done.scalar_one_or_none() is not None


async def take_payload(session: AsyncSession, tenant: TenantId,
                       webhook_event_id: str) -> dict[str, Any] | None:
    """The event's payload, then cleared (None once processed); the row stays locked to the
    caller's commit."""
    where = (LineEvent.tenant_id == tenant.value,
             LineEvent.webhook_event_id == webhook_event_id)
    payload = (await session.execute(sa.select(LineEvent.payload).where(*where)
                                      .with_for_update())).scalar_one_or_none()
    if payload is not None:
        await session.execute(sa.update(LineEvent).where(*where).values(payload=sa.null()))
    return payload
