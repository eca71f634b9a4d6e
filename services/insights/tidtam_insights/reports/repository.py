"""The reports' SQL over the read model: counters for leads, one row per deal and per
activity, each narrowed to the window's owners and filters."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .schemas import Window

Rows = Sequence[sa.RowMapping]
WEIGHTED = "round(coalesce(sum(amount * coalesce(probability, 0) / 100), 0), 2)"


def _where(tenant: TenantId, w: Window, *, source: bool = True, pipeline: bool = False,
           owner: str = "owner_id", a: str = "") -> tuple[str, dict[str, Any]]:
    """The window's conditions on a table (`a`: its alias and a dot) and their values."""
    cond, params = [f"{a}tenant_id = :t"], {"t": tenant.value, "first": w.first, "last": w.last}
    if w.owners is not None:
        cond.append(f"{a}{owner} = ANY(:owners)")
        params["owners"] = list(w.owners)
    if source and w.source is not None:
        cond.append(f"{a}source = :source")
        params["source"] = w.source
    if pipeline and w.pipeline_id is not None:
        cond.append(f"{a}pipeline_id = :pipeline")
        params["pipeline"] = w.pipeline_id
    return " AND ".join(cond), params


async def _all(session: AsyncSession, sql: str, params: dict[str, Any]) -> Rows:
    return (await session.execute(sa.text(sql), params)).mappings().all()


async def leads_by_source(session: AsyncSession, tenant: TenantId, w: Window) -> Rows:
    where, p = _where(tenant, w)
    return await _all(session, (
        "SELECT source, sum(created)::int AS created, sum(qualified)::int AS qualified, "
        f"sum(converted)::int AS converted FROM lead_daily WHERE {where} "
        "AND day BETWEEN :first AND :last GROUP BY source HAVING sum(created) > 0 "
        "ORDER BY sum(created) DESC, source"), p)


async def open_by_stage(session: AsyncSession, tenant: TenantId, w: Window,
                        pipeline_id: uuid.UUID) -> Rows:
    where, p = _where(tenant, w)
    return await _all(session, (
        f"SELECT stage_id, count(*)::int AS deals, coalesce(sum(amount), 0) AS amount, "
        f"{WEIGHTED} AS weighted FROM deal_facts WHERE {where} AND status = 'open' AND "
        "pipeline_id = :pipeline GROUP BY stage_id"), {**p, "pipeline": pipeline_id})


async def stages(session: AsyncSession, tenant: TenantId, pipeline_id: uuid.UUID) -> Rows:
    return await _all(session, (
        "SELECT id, name, position FROM stages WHERE tenant_id = :t AND pipeline_id = :p "
        "AND NOT deleted ORDER BY position"), {"t": tenant.value, "p": pipeline_id})


async def stage_names(session: AsyncSession, tenant: TenantId,
                      ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    rows = await _all(session, "SELECT id, name FROM stages WHERE tenant_id = :t AND "
                      "id = ANY(:ids)", {"t": tenant.value, "ids": list(ids)})
    return {r["id"]: r["name"] for r in rows}


async def forecast(session: AsyncSession, tenant: TenantId, w: Window) -> Rows:
    where, p = _where(tenant, w, pipeline=True)
    return await _all(session, (
        "SELECT to_char(expected_close, 'YYYY-MM') AS month, count(*)::int AS deals, "
        f"coalesce(sum(amount), 0) AS amount, {WEIGHTED} AS weighted FROM deal_facts "
        f"WHERE {where} AND status = 'open' AND expected_close BETWEEN :first AND :last "
        "GROUP BY 1 ORDER BY 1"), p)


_GROUPS = {"user": "d.owner_id", "team": "u.team_id",
           "month": "to_char(d.closed_on, 'YYYY-MM')"}


async def closed(session: AsyncSession, tenant: TenantId, w: Window) -> Rows:
    """Won and lost deals by the window's `group_by`, closed within it."""
    where, p = _where(tenant, w, pipeline=True, a="d.")
    key = _GROUPS[w.group_by]
    return await _all(session, (
        f"SELECT {key} AS key, count(*) FILTER (WHERE d.status = 'won')::int AS won_count, "
        "coalesce(sum(d.amount) FILTER (WHERE d.status = 'won'), 0) AS won_amount, "
        "count(*) FILTER (WHERE d.status = 'lost')::int AS lost_count, "
        "sum(d.closed_on - d.created_day) FILTER (WHERE d.status = 'won') AS won_days "
        "FROM deal_facts d LEFT JOIN users u ON u.tenant_id = d.tenant_id AND "
        f"u.id = d.owner_id WHERE {where} AND d.status <> 'open' AND "
        "d.closed_on BETWEEN :first AND :last GROUP BY 1"), p)


async def lost(session: AsyncSession, tenant: TenantId, w: Window) -> Rows:
    where, p = _where(tenant, w, pipeline=True)
    return await _all(session, (
        "SELECT coalesce(lost_reason, '') AS reason, count(*)::int AS deals, "
        "coalesce(sum(amount), 0) AS amount FROM deal_facts "
        f"WHERE {where} AND status = 'lost' AND closed_on BETWEEN :first AND :last "
        "GROUP BY 1 ORDER BY 2 DESC, 1"), p)


async def activities(session: AsyncSession, tenant: TenantId, w: Window) -> Rows:
    where, p = _where(tenant, w, source=False)
    return await _all(session, (
        "SELECT owner_id AS user, kind, count(*)::int AS n FROM activity_facts "
        f"WHERE {where} AND status <> 'cancelled' AND created_day BETWEEN :first AND :last "
        "GROUP BY 1, 2"), p)


async def won_by_user_month(session: AsyncSession, tenant: TenantId, w: Window) -> Rows:
    where, p = _where(tenant, w, pipeline=True)
    return await _all(session, (
        "SELECT owner_id AS user, to_char(closed_on, 'YYYY-MM') AS month, "
        "sum(amount) AS won_amount FROM deal_facts "
        f"WHERE {where} AND status = 'won' AND closed_on BETWEEN :first AND :last "
        "GROUP BY 1, 2"), p)


async def targets(session: AsyncSession, tenant: TenantId, w: Window, first: str,
                  last: str) -> Rows:
    where, p = _where(tenant, w, source=False, owner="user_id")
    return await _all(session, (
        f"SELECT user_id AS user, month, amount FROM targets WHERE {where} "
        "AND month BETWEEN :m1 AND :m2"), {**p, "m1": first, "m2": last})


async def user_names(session: AsyncSession, tenant: TenantId,
                     ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    rows = await _all(session, "SELECT id, name FROM users WHERE tenant_id = :t AND "
                      "id = ANY(:ids)", {"t": tenant.value, "ids": list(ids)})
    return {r["id"]: r["name"] for r in rows}


async def team_names(session: AsyncSession, tenant: TenantId,
                     ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    rows = await _all(session, "SELECT id, name FROM teams WHERE tenant_id = :t AND "
                      "id = ANY(:ids)", {"t": tenant.value, "ids": list(ids)})
    return {r["id"]: r["name"] for r in rows}


async def team_members(session: AsyncSession, tenant: TenantId,
                       team_id: uuid.UUID) -> frozenset[uuid.UUID]:
    rows = await _all(session, "SELECT id FROM users WHERE tenant_id = :t AND team_id = :team",
                      {"t": tenant.value, "team": team_id})
    return frozenset(r["id"] for r in rows)
