"""The users projection: applied from gateway events, read to validate people."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext, TenantId
from crmkit.errors import NotFound

from . import repository
from .schemas import GatewayUser


async def apply_user_event(session: AsyncSession, tenant: TenantId, data: dict,
                           sequence: int, deactivate: bool = False) -> None:
    user = GatewayUser.model_validate(data)
    if user.tenant_id != tenant.value:
        # An event whose data disagrees with its envelope is not ours to apply.
        raise ValueError("user event tenant_id does not match the envelope's tenantid")
    if deactivate:
        user.active = False
    await repository.upsert(session, tenant, user, sequence)


async def require_active(session: AsyncSession, ctx: RequestContext, user_id: uuid.UUID,
                         field: str) -> None:
    """Owners and recipients must be active users of the caller's tenant."""
    if await repository.get_active(session, ctx.tenant, user_id) is None:
        raise NotFound.on(field, f"{user_id} is not an active user of this tenant")
