"""All SQL about the inbound email settings and the messages taken (..channel_rows)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .. import channel_rows
from .models import EmailInbox, EmailMessage


async def put(session: AsyncSession, tenant: TenantId, values: dict[str, Any]
              ) -> dict[str, Any]:
    return await channel_rows.put(session, tenant, EmailInbox, values)


async def get(session: AsyncSession, tenant: TenantId) -> dict[str, Any] | None:
    return await channel_rows.get(session, tenant, EmailInbox)


async def delete(session: AsyncSession, tenant: TenantId) -> bool:
    return await channel_rows.delete(session, tenant, EmailInbox)


async def take_message(session: AsyncSession, tenant: TenantId, message_key: str) -> bool:
    """True the first time this message comes; False for the provider's retry of it."""
    return await channel_rows.take(session, tenant, EmailMessage, "message_key", message_key)
