from __future__ import annotations

import uuid
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId


async def put(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID, month: str,
              amount: Decimal) -> None:
    await session.execute(sa.text(
        "INSERT INTO targets (tenant_id, user_id, month, amount) VALUES (:t, :u, :m, :a) "
        "ON CONFLICT (tenant_id, user_id, month) DO UPDATE SET amount = excluded.amount, "
        "updated_at = now() WHERE targets.amount IS DISTINCT FROM excluded.amount"),
        {"t": tenant.value, "u": user_id, "m": month, "a": amount})
