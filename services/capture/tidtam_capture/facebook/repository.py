"""All SQL about Facebook pages and the leadgen ids taken (..channel_rows)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .. import channel_rows
from .models import FacebookLead


async def take_lead(session: AsyncSession, tenant: TenantId, leadgen_id: str) -> bool:
    """True the first time this leadgen id comes; False for Facebook's repeat of it."""
    return await channel_rows.take(session, tenant, FacebookLead, "leadgen_id", leadgen_id)
