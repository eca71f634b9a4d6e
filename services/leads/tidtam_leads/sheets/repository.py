"""The set-based SQL of lead imports: duplicates of a batch in one query, and a batch of
new leads with their `created` history in one statement (the API's create does one)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, TypedDict

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId, VisibilityScope
from crmkit.db import driver, rows_as

from ..leads.models import Lead
from ..leads.repository import COLUMNS, LeadRow, readable


class Match(TypedDict):
    id: uuid.UUID
    phone: str
    email_key: str
    owner_id: uuid.UUID


async def duplicates(session: AsyncSession, tenant: TenantId, scope: VisibilityScope, *,
                     phones: Sequence[str], emails: Sequence[str]) -> list[Match]:
    """Open (inbox) leads the caller sees with one of these phones or emails: the rule of
    the create's `possible_duplicates`, for a whole batch."""
    if not phones and not emails:
        return []
    # The status as a literal, not a parameter: the phone and email indexes are partial on
    # status = 'inbox', and a cached generic plan with a parameter would not use them (it
    # walked the tenant's whole inbox, batch after batch: imports slowed as they grew).
    q = sa.select(Lead.id, Lead.phone, Lead.email_key, Lead.owner_id).where(
        Lead.tenant_id == tenant.value, Lead.status == sa.literal_column("'inbox'"),
        readable(scope),
        sa.or_(Lead.phone.in_(phones), Lead.email_key.in_([e.lower() for e in emails])))
    return rows_as(Match, (await session.execute(q)).mappings())


_INSERT = f"""
WITH lead AS (
    INSERT INTO leads (tenant_id, id, name, phone, email, company, note, source, owner_id,
                       pipeline_id, stage_id, potential, custom, product_ids)
    SELECT $1, id, name, phone, email, company, note, source, owner_id, $2, $3, potential,
           custom::jsonb, product_ids::uuid[]
    FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                $10::text[], $11::uuid[], $12::numeric[], $13::text[], $16::text[])
         AS t(id, name, phone, email, company, note, source, owner_id, potential, custom,
              product_ids)
    RETURNING {", ".join(c.name for c in COLUMNS)}
), history AS (
    INSERT INTO lead_history (tenant_id, lead_id, kind, author_id, detail)
    SELECT tenant_id, id, 'created', $14,
           jsonb_build_object('owner_id', owner_id::text, 'source', source, 'import_id', $15::text)
    FROM lead
)
SELECT * FROM lead"""


async def insert_many(session: AsyncSession, tenant: TenantId, rows: Sequence[dict[str, Any]],
                      *, pipeline_id: uuid.UUID, stage_id: uuid.UUID, author_id: uuid.UUID,
                      import_id: str) -> list[LeadRow]:
    """New leads (in their owners' Inbox) and their `created` history, in one statement."""
    if not rows:
        return []

    def col(name: str) -> list[Any]:
        return [r[name] for r in rows]

    conn = await driver(session)
    found = await conn.fetch(
        _INSERT, tenant.value, pipeline_id, stage_id, col("id"), col("name"), col("phone"),
        col("email"), col("company"), col("note"), col("source"), col("owner_id"),
        col("potential"), [orjson.dumps(r["custom"]).decode() for r in rows], author_id,
        import_id,
        # Each lead's products as an array literal (unnest cannot take ragged arrays).
        ["{" + ",".join(str(p) for p in r.get("product_ids") or ()) + "}" for r in rows])
    return rows_as(LeadRow, (dict(r.items()) for r in found))
