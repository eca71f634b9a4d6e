from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from .models import TenantSettings


async def get(session: AsyncSession) -> TenantSettings | None:
    return (await session.execute(sa.select(TenantSettings))).scalar()


async def upsert(session: AsyncSession, tenant_id: uuid.UUID, changes: dict[str, Any]
                 ) -> TenantSettings:
    insert = pg_insert(TenantSettings).values(tenant_id=tenant_id, **changes)
    stmt = insert.on_conflict_do_update(
        index_elements=[TenantSettings.tenant_id],
        set_={**changes, "updated_at": sa.func.now()},
    ).returning(TenantSettings)
    return (await session.execute(stmt, execution_options={"populate_existing": True})
            ).scalar_one()
