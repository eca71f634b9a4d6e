from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .models import User
from .schemas import GatewayUser


async def upsert(session: AsyncSession, tenant: TenantId, user: GatewayUser,
                 sequence: int) -> None:
    values = dict(tenant_id=tenant.value, id=user.id, email=user.email, name=user.name,
                  role=user.role, team_id=user.team_id, active=user.active, sequence=sequence)
    stmt = insert(User).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[User.tenant_id, User.id],
        set_={k: stmt.excluded[k] for k in values if k not in ("tenant_id", "id")},
        # An older event delivered late must not undo a newer one.
        where=User.sequence <= stmt.excluded.sequence,
    )
    await session.execute(stmt)


async def get_active(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID) -> User | None:
    return (await session.execute(
        sa.select(User).where(User.tenant_id == tenant.value, User.id == user_id,
                              User.active.is_(True))
    )).scalar_one_or_none()
