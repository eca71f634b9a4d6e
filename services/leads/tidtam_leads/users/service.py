"""The users projection (crmkit.users) on this service's `users` table."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import users
from crmkit.context import RequestContext, TenantId

from .models import User


async def apply_user_event(session: AsyncSession, tenant: TenantId, data: dict,
                           sequence: int, deactivate: bool = False) -> None:
    await users.apply_user_event(session, User, tenant, data, sequence, deactivate)


async def require_active(session: AsyncSession, ctx: RequestContext, user_id: uuid.UUID,
                         field: str) -> None:
    await users.require_active(session, User, ctx, user_id, field)
