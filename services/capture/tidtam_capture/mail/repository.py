"""All SQL about the inbound email settings and the messages taken (..channel_rows)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .. import channel_rows
from .models import EmailMessage


async def take_message(session: AsyncSession, tenant: TenantId, message_key: str) -> bool:
    """True the first time this message comes; False for the provider's retry of it."""
    return await channel_rows.take(session, tenant, EmailMessage, "message_key", message_key)
