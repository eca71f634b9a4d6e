"""The read model's SQL: facts replaced only by a newer version of their record, and the
leads' daily counters moved by the difference a lead's change makes."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from . import counters

_LEAD_OLD = sa.text(
    "SELECT owner_id, source, created_day, qualified, converted, version FROM lead_facts "
    "WHERE tenant_id = :t AND id = :id FOR UPDATE")
_LEAD_PUT = sa.text(
    "INSERT INTO lead_facts (tenant_id, id, owner_id, source, created_at, created_day, "
    "qualified, converted, version) VALUES (:t, :id, :owner_id, :source, :created_at, "
    ":created_day, :qualified, :converted, :version) ON CONFLICT (tenant_id, id) DO UPDATE "
    "SET owner_id = excluded.owner_id, source = excluded.source, qualified = "
    "excluded.qualified, converted = excluded.converted, version = excluded.version")

_DEAL_COLUMNS = ("owner_id, pipeline_id, stage_id, amount, probability, expected_close, "
                 "status, lost_reason, closed_on, created_day, lead_id, source, version")
_DEAL_OLD = sa.text(f"SELECT id, {_DEAL_COLUMNS} FROM deal_facts WHERE tenant_id = :t AND "
                    "id = :id FOR UPDATE")
_DEALS_OF_LEAD = sa.text(
    f"SELECT id, {_DEAL_COLUMNS} FROM deal_facts WHERE tenant_id = :t AND lead_id = :id "
    "AND source IS DISTINCT FROM :source FOR UPDATE")
_DEAL_SOURCE = sa.text("UPDATE deal_facts SET source = :source WHERE tenant_id = :t AND "
                       "id = :id")
_LEAD_SOURCE = sa.text("SELECT source FROM lead_facts WHERE tenant_id = :t AND id = :id")
_DEAL_PUT = sa.text(
    "INSERT INTO deal_facts (tenant_id, id, owner_id, pipeline_id, stage_id, amount, "
    "probability, expected_close, status, lost_reason, closed_on, created_at, created_day, "
    "lead_id, source, version) VALUES (:t, :id, :owner_id, :pipeline_id, :stage_id, :amount, "
    ":probability, :expected_close, :status, :lost_reason, :closed_on, :created_at, "
    ":created_day, :lead_id, :source, :version) "
    "ON CONFLICT (tenant_id, id) DO UPDATE SET owner_id = excluded.owner_id, pipeline_id = "
    "excluded.pipeline_id, stage_id = excluded.stage_id, amount = excluded.amount, "
    "probability = excluded.probability, expected_close = excluded.expected_close, "
    "status = excluded.status, lost_reason = excluded.lost_reason, closed_on = "
    "excluded.closed_on, lead_id = excluded.lead_id, source = excluded.source, "
    "version = excluded.version")
_ACTIVITY_PUT = sa.text(
    "INSERT INTO activity_facts (tenant_id, id, owner_id, kind, status, created_at, "
    "created_day, version) VALUES (:t, :id, :owner_id, :kind, :status, :created_at, "
    ":created_day, :version) ON CONFLICT (tenant_id, id) DO UPDATE SET owner_id = "
    "excluded.owner_id, kind = excluded.kind, status = excluded.status, version = "
    "excluded.version")
_ACTIVITY_OLD = sa.text(
    "SELECT owner_id, kind, status, created_day, version FROM activity_facts "
    "WHERE tenant_id = :t AND id = :id FOR UPDATE")


async def _before(session: AsyncSession, statement: sa.TextClause, tenant: TenantId,
                  record_id: uuid.UUID) -> dict[str, Any] | None:
    """A fact as it is before the change (locked), or None."""
    row = (await session.execute(statement, {"t": tenant.value, "id": record_id})).first()
    return None if row is None else dict(row._mapping)


async def _put(session: AsyncSession, statement: sa.TextClause, tenant: TenantId,
               values: Mapping[str, Any]) -> None:
    await session.execute(statement, {"t": tenant.value, **values})


async def lead_before(session: AsyncSession, tenant: TenantId,
                      lead_id: uuid.UUID) -> dict[str, Any] | None:
    return await _before(session, _LEAD_OLD, tenant, lead_id)


async def deal_before(session: AsyncSession, tenant: TenantId,
                      deal_id: uuid.UUID) -> dict[str, Any] | None:
    return await _before(session, _DEAL_OLD, tenant, deal_id)


async def activity_before(session: AsyncSession, tenant: TenantId,
                          activity_id: uuid.UUID) -> dict[str, Any] | None:
    return await _before(session, _ACTIVITY_OLD, tenant, activity_id)


async def put_lead(session: AsyncSession, tenant: TenantId, values: Mapping[str, Any]) -> None:
    await _put(session, _LEAD_PUT, tenant, values)


async def put_deal(session: AsyncSession, tenant: TenantId, values: Mapping[str, Any]) -> None:
    await _put(session, _DEAL_PUT, tenant, values)


async def put_activity(session: AsyncSession, tenant: TenantId,
                       values: Mapping[str, Any]) -> None:
    await _put(session, _ACTIVITY_PUT, tenant, values)


async def lead_source(session: AsyncSession, tenant: TenantId,
                      lead_id: uuid.UUID | None) -> str | None:
    if lead_id is None:
        return None
    found = (await session.execute(_LEAD_SOURCE, {"t": tenant.value, "id": lead_id})).first()
    return None if found is None else str(found[0])


async def deals_of_lead(session: AsyncSession, tenant: TenantId, lead_id: uuid.UUID,
                        source: str) -> list[dict[str, Any]]:
    """The lead's deals (locked) whose source is not yet `source`."""
    rows = await session.execute(_DEALS_OF_LEAD, {"t": tenant.value, "id": lead_id,
                                                  "source": source})
    return [dict(r) for r in rows.mappings()]


async def set_deal_source(session: AsyncSession, tenant: TenantId, deal_id: uuid.UUID,
                          source: str) -> None:
    await session.execute(_DEAL_SOURCE, {"t": tenant.value, "id": deal_id, "source": source})


async def redate(session: AsyncSession, tenant: TenantId, zone: str) -> None:
    """The days of every fact in `zone` (the tenant's new time zone), and the leads'
    counters made again from the facts."""
    p = {"t": tenant.value, "zone": zone}
    await counters.flush(session)  # what this batch moved so far, before they are made again
    for table in ("lead_facts", "deal_facts", "activity_facts"):
        await session.execute(sa.text(
            f"UPDATE {table} SET created_day = (created_at AT TIME ZONE :zone)::date "
            f"WHERE tenant_id = :t"), p)
    for table in ("lead_daily", "lead_monthly", "deal_closed_daily", "deal_closed_monthly",
                  "activity_daily", "activity_monthly", *ROLLUPS):
        await session.execute(sa.text(f"DELETE FROM {table} WHERE tenant_id = :t"), p)
    await session.execute(sa.text(REBUILD_DAILY), p)
    await session.execute(sa.text(REBUILD_MONTHLY), p)
    for period, day in (("day", "closed_on"), ("month", "date_trunc('month', closed_on)")):
        await session.execute(sa.text(
            f"INSERT INTO deal_closed_{'daily' if period == 'day' else 'monthly'} (tenant_id, "
            f"{period}, pipeline_id, owner_id, source, status, reason, deals, amount, "
            f"weighted, days) SELECT tenant_id, {day}::date, pipeline_id, owner_id, "
            "coalesce(source, ''), status, coalesce(lost_reason, ''), count(*), "
            "coalesce(sum(amount), 0), coalesce(sum(amount * coalesce(probability, 0) / 100), "
            "0), coalesce(sum(closed_on - created_day) FILTER (WHERE status = 'won'), 0) "
            "FROM deal_facts WHERE tenant_id = :t AND status <> 'open' "
            "GROUP BY 1, 2, 3, 4, 5, 6, 7"), p)
        await session.execute(sa.text(
            f"INSERT INTO activity_{'daily' if period == 'day' else 'monthly'} (tenant_id, "
            f"{period}, owner_id, kind, n) SELECT tenant_id, "
            f"{day.replace('closed_on', 'created_day')}::date, owner_id, kind, count(*) "
            "FROM activity_facts WHERE tenant_id = :t AND status <> 'cancelled' "
            "GROUP BY 1, 2, 3, 4"), p)
    for rollup in ROLLUPS.values():
        await session.execute(sa.text(rollup), p)


# The counters made from the facts (a new time zone; the benchmark's seeding).
REBUILD_DAILY = (
    "INSERT INTO lead_daily (tenant_id, day, owner_id, source, created, qualified, "
    "converted) SELECT tenant_id, created_day, owner_id, source, count(*), "
    "count(*) FILTER (WHERE qualified), count(*) FILTER (WHERE converted) "
    "FROM lead_facts WHERE tenant_id = :t GROUP BY 1, 2, 3, 4")
REBUILD_MONTHLY = (
    "INSERT INTO lead_monthly (tenant_id, month, owner_id, source, created, qualified, "
    "converted) SELECT tenant_id, date_trunc('month', day)::date, owner_id, source, "
    "sum(created), sum(qualified), sum(converted) FROM lead_daily WHERE tenant_id = :t "
    "GROUP BY 1, 2, 3, 4")

# The coarser monthly counters (migration 0003) made from the finer ones.
ROLLUPS = {
    "lead_monthly_source": (
        "INSERT INTO lead_monthly_source (tenant_id, month, source, created, qualified, "
        "converted) SELECT tenant_id, month, source, sum(created), sum(qualified), "
        "sum(converted) FROM lead_monthly WHERE tenant_id = :t GROUP BY 1, 2, 3"),
    "deal_closed_monthly_owner": (
        "INSERT INTO deal_closed_monthly_owner (tenant_id, month, pipeline_id, owner_id, "
        "status, deals, amount, weighted, days) SELECT tenant_id, month, pipeline_id, "
        "owner_id, status, sum(deals), sum(amount), sum(weighted), sum(days) "
        "FROM deal_closed_monthly WHERE tenant_id = :t GROUP BY 1, 2, 3, 4, 5"),
    "deal_closed_monthly_source": (
        "INSERT INTO deal_closed_monthly_source (tenant_id, month, pipeline_id, source, "
        "status, reason, deals, amount, weighted, days) SELECT tenant_id, month, "
        "pipeline_id, source, status, reason, sum(deals), sum(amount), sum(weighted), "
        "sum(days) FROM deal_closed_monthly WHERE tenant_id = :t GROUP BY 1, 2, 3, 4, 5, 6"),
    # Migration 0004's.
    "deal_open_month_pipeline": (
        "INSERT INTO deal_open_month_pipeline (tenant_id, month, pipeline_id, deals, amount, "
        "weighted) SELECT tenant_id, month, pipeline_id, sum(deals), sum(amount), "
        "sum(weighted) FROM deal_open_month WHERE tenant_id = :t GROUP BY 1, 2, 3"),
    "deal_closed_daily_owner": (
        "INSERT INTO deal_closed_daily_owner (tenant_id, day, pipeline_id, owner_id, status, "
        "deals, amount, weighted, days) SELECT tenant_id, day, pipeline_id, owner_id, status, "
        "sum(deals), sum(amount), sum(weighted), sum(days) FROM deal_closed_daily "
        "WHERE tenant_id = :t GROUP BY 1, 2, 3, 4, 5"),
    "deal_closed_daily_source": (
        "INSERT INTO deal_closed_daily_source (tenant_id, day, pipeline_id, source, status, "
        "reason, deals, amount, weighted, days) SELECT tenant_id, day, pipeline_id, source, "
        "status, reason, sum(deals), sum(amount), sum(weighted), sum(days) "
        "FROM deal_closed_daily WHERE tenant_id = :t GROUP BY 1, 2, 3, 4, 5, 6"),
}
