"""The read model's SQL: facts replaced only by a newer version of their record, and the
leads' daily counters moved by the difference a lead's change makes."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

_LEAD_OLD = sa.text(
    "SELECT owner_id, source, created_day, qualified, converted, version FROM lead_facts "
    "WHERE tenant_id = :t AND id = :id FOR UPDATE")
_LEAD_PUT = sa.text(
    "INSERT INTO lead_facts (tenant_id, id, owner_id, source, created_at, created_day, "
    "qualified, converted, version) VALUES (:t, :id, :owner_id, :source, :created_at, "
    ":created_day, :qualified, :converted, :version) ON CONFLICT (tenant_id, id) DO UPDATE "
    "SET owner_id = excluded.owner_id, source = excluded.source, qualified = "
    "excluded.qualified, converted = excluded.converted, version = excluded.version")
_COUNT = sa.text(
    "INSERT INTO lead_daily (tenant_id, day, owner_id, source, created, qualified, converted) "
    "VALUES (:t, :day, :owner_id, :source, :created, :qualified, :converted) "
    "ON CONFLICT (tenant_id, day, owner_id, source) DO UPDATE SET "
    "created = lead_daily.created + excluded.created, "
    "qualified = lead_daily.qualified + excluded.qualified, "
    "converted = lead_daily.converted + excluded.converted")
_DEAL_SOURCES = sa.text(
    "UPDATE deal_facts SET source = :source WHERE tenant_id = :t AND lead_id = :id "
    "AND source IS DISTINCT FROM :source")
_DEAL_PUT = sa.text(
    "INSERT INTO deal_facts (tenant_id, id, owner_id, pipeline_id, stage_id, amount, "
    "probability, expected_close, status, lost_reason, closed_on, created_at, created_day, "
    "lead_id, source, version) VALUES (:t, :id, :owner_id, :pipeline_id, :stage_id, :amount, "
    ":probability, :expected_close, :status, :lost_reason, :closed_on, :created_at, "
    ":created_day, :lead_id, (SELECT source FROM lead_facts WHERE tenant_id = :t AND "
    "id = :lead_id), :version) "
    "ON CONFLICT (tenant_id, id) DO UPDATE SET owner_id = excluded.owner_id, pipeline_id = "
    "excluded.pipeline_id, stage_id = excluded.stage_id, amount = excluded.amount, "
    "probability = excluded.probability, expected_close = excluded.expected_close, "
    "status = excluded.status, lost_reason = excluded.lost_reason, closed_on = "
    "excluded.closed_on, lead_id = excluded.lead_id, source = excluded.source, "
    "version = excluded.version WHERE deal_facts.version < excluded.version")
_ACTIVITY_PUT = sa.text(
    "INSERT INTO activity_facts (tenant_id, id, owner_id, kind, status, created_at, "
    "created_day, version) VALUES (:t, :id, :owner_id, :kind, :status, :created_at, "
    ":created_day, :version) ON CONFLICT (tenant_id, id) DO UPDATE SET owner_id = "
    "excluded.owner_id, kind = excluded.kind, status = excluded.status, version = "
    "excluded.version WHERE activity_facts.version < excluded.version")


async def lead_before(session: AsyncSession, tenant: TenantId,
                      lead_id: uuid.UUID) -> Mapping[str, Any] | None:
    row = (await session.execute(_LEAD_OLD, {"t": tenant.value, "id": lead_id})).first()
    return None if row is None else dict(row._mapping)


async def put_lead(session: AsyncSession, tenant: TenantId, values: Mapping[str, Any]) -> None:
    await session.execute(_LEAD_PUT, {"t": tenant.value, **values})


async def count(session: AsyncSession, tenant: TenantId,
                deltas: Sequence[Mapping[str, Any]]) -> None:
    if deltas:
        await session.execute(_COUNT, [{"t": tenant.value, **d} for d in deltas])


async def name_deals_source(session: AsyncSession, tenant: TenantId, lead_id: uuid.UUID,
                            source: str) -> None:
    await session.execute(_DEAL_SOURCES, {"t": tenant.value, "id": lead_id, "source": source})


async def put_deal(session: AsyncSession, tenant: TenantId, values: Mapping[str, Any]) -> None:
    await session.execute(_DEAL_PUT, {"t": tenant.value, **values})


async def put_activity(session: AsyncSession, tenant: TenantId,
                       values: Mapping[str, Any]) -> None:
    await session.execute(_ACTIVITY_PUT, {"t": tenant.value, **values})


async def redate(session: AsyncSession, tenant: TenantId, zone: str) -> None:
    """The days of every fact in `zone` (the tenant's new time zone), and the leads'
    counters made again from the facts."""
    p = {"t": tenant.value, "zone": zone}
    for table in ("lead_facts", "deal_facts", "activity_facts"):
        await session.execute(sa.text(
            f"UPDATE {table} SET created_day = (created_at AT TIME ZONE :zone)::date "
            f"WHERE tenant_id = :t"), p)
    await session.execute(sa.text("DELETE FROM lead_daily WHERE tenant_id = :t"), p)
    await session.execute(sa.text(
        "INSERT INTO lead_daily (tenant_id, day, owner_id, source, created, qualified, "
        "converted) SELECT tenant_id, created_day, owner_id, source, count(*), "
        "count(*) FILTER (WHERE qualified), count(*) FILTER (WHERE converted) "
        "FROM lead_facts WHERE tenant_id = :t GROUP BY 1, 2, 3, 4"), p)
