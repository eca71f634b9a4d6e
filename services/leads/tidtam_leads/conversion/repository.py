"""SQL of the conversion and of account merges (the lead's own columns live in leads/)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.db import row_as, rows_as

from ..leads.models import Lead
from ..leads.repository import COLUMNS, LeadRow


async def lock(session: AsyncSession, tenant: TenantId, lead_id: uuid.UUID) -> LeadRow | None:
    """The lead, locked, whoever owns it (consumers act for the system)."""
    row = (await session.execute(
        sa.select(*COLUMNS).where(Lead.tenant_id == tenant.value, Lead.id == lead_id)
        .with_for_update()
    )).mappings().one_or_none()
    return None if row is None else row_as(LeadRow, row)


# One statement: relink every lead of the merged-away account and log it on each one.
_RELINK = sa.text(f"""
WITH moved AS (
    UPDATE leads SET account_id = :to_account, version = version + 1, updated_at = now()
    WHERE tenant_id = :tenant AND account_id = :from_account
    RETURNING {", ".join(c.name for c in COLUMNS)}
), logged AS (
    INSERT INTO lead_history (tenant_id, lead_id, kind, author_id, detail)
    SELECT tenant_id, id, 'account_merged', NULL, CAST(:detail AS jsonb) FROM moved
)
SELECT * FROM moved
""").bindparams(sa.bindparam("tenant", type_=sa.Uuid),
                sa.bindparam("from_account", type_=sa.Uuid),
                sa.bindparam("to_account", type_=sa.Uuid))


async def relink_account(session: AsyncSession, tenant: TenantId, *, from_account: uuid.UUID,
                         to_account: uuid.UUID, detail: str) -> list[LeadRow]:
    result = await session.execute(_RELINK, dict(
        tenant=tenant.value, from_account=from_account, to_account=to_account, detail=detail))
    return rows_as(LeadRow, result.mappings())
