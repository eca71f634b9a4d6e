"""All SQL about LINE channels and the webhook events taken (crmkit-style rows shared with
the other channels: ..channel_rows)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.db import driver
from crmkit.events import CloudEvent
from crmkit.outbox import stage_args

from .models import LineEvent


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


# The webhook's one statement: every event not taken before kept, and for each one kept its
# event (`capture.line_event_received`) in the outbox, if the channel is still the one the
# caller checked the signature with (its process keeps the channel between calls:
# service.KnownChannels); else nothing is written. Raw asyncpg, prepared once per
# connection: one round trip, however many events the call carries.
_TAKE = """
WITH channel AS (
    SELECT 1 FROM line_channels WHERE tenant_id = $1 AND webhook_key = $2 AND updated_at = $3
), taken AS (
    INSERT INTO line_events (tenant_id, webhook_event_id, payload)
    SELECT $1, e.id, e.payload::jsonb
    FROM channel, unnest($4::text[], $5::text[]) AS e(id, payload)
    ON CONFLICT (tenant_id, webhook_event_id) DO NOTHING RETURNING webhook_event_id
), staged AS (
    INSERT INTO outbox (event_id, event_type, tenant_id, payload)
    SELECT o.event_id, o.event_type, $1, o.payload::jsonb
    FROM taken JOIN unnest($4::text[], $6::uuid[], $7::text[], $8::text[])
        AS o(id, event_id, event_type, payload) ON o.id = taken.webhook_event_id
)
SELECT EXISTS (SELECT 1 FROM channel) AS current"""


async def take_events(session: AsyncSession, tenant: TenantId, *, webhook_key: str,
                      updated_at: datetime,
                      events: list[tuple[str, dict[str, Any], CloudEvent]]) -> bool:
    """Keep each (webhookEventId, payload) the first time it comes, its CloudEvent staged
    with it (ids distinct; LINE's redelivery of one makes nothing), if the channel is
    still the one saved at `updated_at` with `webhook_key`: then True, else False and
    nothing written."""
    staged = [stage_args(event) for _, _, event in events]
    conn = await driver(session)
    current = await conn.fetchval(
        _TAKE, tenant.value, webhook_key, updated_at,
        [hook_id for hook_id, _, _ in events],
        [json.dumps(payload, ensure_ascii=False) for _, payload, _ in events],
        [event_id for event_id, _, _, _ in staged], [kind for _, kind, _, _ in staged],
        [payload for _, _, _, payload in staged])
    return bool(current)
