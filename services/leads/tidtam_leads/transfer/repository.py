from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.db import rows_as

from ..leads.repository import COLUMNS, LeadRow

# One statement: move every lead of the user and write each one's history row. The CTE sees
# the leads as updated; nothing is read into Python just to be written back.
_MOVE = sa.text(f"""
WITH moved AS (
    UPDATE leads SET owner_id = :to_user, version = version + 1, updated_at = now()
    WHERE tenant_id = :tenant AND owner_id = :from_user
    RETURNING {", ".join(c.name for c in COLUMNS)}
), logged AS (
    INSERT INTO lead_history (tenant_id, lead_id, kind, author_id, detail)
    SELECT tenant_id, id, 'transferred', :author, CAST(:detail AS jsonb) FROM moved
)
SELECT * FROM moved
""")


async def move_all(session: AsyncSession, tenant: TenantId, *, from_user: uuid.UUID,
                   to_user: uuid.UUID, author: uuid.UUID, detail: str) -> list[LeadRow]:
    result = await session.execute(_MOVE.bindparams(
        sa.bindparam("tenant", type_=sa.Uuid), sa.bindparam("from_user", type_=sa.Uuid),
        sa.bindparam("to_user", type_=sa.Uuid), sa.bindparam("author", type_=sa.Uuid),
    ), dict(tenant=tenant.value, from_user=from_user, to_user=to_user, author=author,
            detail=detail))
    return rows_as(LeadRow, result.mappings())
