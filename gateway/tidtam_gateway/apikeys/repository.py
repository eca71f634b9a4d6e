from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from .models import ApiKey


async def insert(session: AsyncSession, *, tenant_id: uuid.UUID, name: str, prefix: str,
                 key_hash: str, created_by: uuid.UUID) -> ApiKey:
    key = ApiKey(id=uuid.uuid4(), tenant_id=tenant_id, name=name, prefix=prefix,
                 key_hash=key_hash, created_by=created_by)
    session.add(key)
    await session.flush()
    await session.refresh(key)
    return key


async def all_keys(session: AsyncSession) -> list[ApiKey]:
    q = sa.select(ApiKey).order_by(ApiKey.created_at.desc(), ApiKey.id)
    return list((await session.execute(q)).scalars())


async def revoke(session: AsyncSession, key_id: uuid.UUID) -> ApiKey | None:
    stmt = (sa.update(ApiKey).where(ApiKey.id == key_id)
            .values(revoked_at=sa.func.coalesce(ApiKey.revoked_at, sa.func.now()))
            .returning(ApiKey))
    return (await session.execute(stmt, execution_options={"populate_existing": True})
            ).scalar()
