"""All SQL about Facebook pages and the leadgen ids taken (..channel_rows)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .. import channel_rows
from .models import FacebookLead, FacebookPage


async def put(session: AsyncSession, tenant: TenantId, values: dict[str, Any]
              ) -> dict[str, Any]:
    return await channel_rows.put(session, tenant, FacebookPage, values)


async def get(session: AsyncSession, tenant: TenantId) -> dict[str, Any] | None:
    return await channel_rows.get(session, tenant, FacebookPage)


async def delete(session: AsyncSession, tenant: TenantId) -> bool:
    return await channel_rows.delete(session, tenant, FacebookPage)


async def take_lead(session: AsyncSession, tenant: TenantId, leadgen_id: str) -> bool:
    """True the first time this leadgen id comes; False for Facebook's repeat of it."""
    return await channel_rows.take(session, tenant, FacebookLead, "leadgen_id", leadgen_id)
