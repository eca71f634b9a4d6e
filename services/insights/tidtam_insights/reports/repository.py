"""The reports' SQL over the read model: counters for leads, one row per deal and per
activity, each narrowed to the window's owners and filters."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .schemas import Window

Rows = Sequence[sa.RowMapping]


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


def _whole_months(w: Window) -> tuple[date, date]:
    """The whole months inside the window: [first day of the first, first day after the
    last); empty when the two meet."""
    start = w.first if w.first.day == 1 else _next_month(w.first)
    end = _next_month(w.last) if (w.last + timedelta(days=1)).day == 1 else w.last.replace(
        day=1)
    return start, max(start, end)


# The window's days before its first whole month, and after its last (with no whole month,
# :start = :end and the two are the window).
_BEFORE = "day >= :first AND day <= :last AND day < :start"
_AFTER = "day >= :end AND day >= :first AND day <= :last"


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


async def leads_by_source(session: AsyncSession, tenant: TenantId, w: Window) -> Rows:
    """Whole months from lead_monthly, the days of months covered in part from lead_daily."""
    where, p = _where(tenant, w)
    start, end = _whole_months(w)
    return await _all(session, (
        "SELECT source, sum(created)::int AS created, sum(qualified)::int AS qualified, "
        "sum(converted)::int AS converted FROM ("
        f"SELECT source, created, qualified, converted FROM lead_monthly WHERE {where} "
        "AND month >= :start AND month < :end UNION ALL "
        f"SELECT source, created, qualified, converted FROM lead_daily WHERE {where} "
        f"AND {_BEFORE} UNION ALL "
        f"SELECT source, created, qualified, converted FROM lead_daily WHERE {where} "
        f"AND {_AFTER}) c "
        "GROUP BY source HAVING sum(created) > 0 ORDER BY sum(created) DESC, source"),
        {**p, "start": start, "end": end})


async def open_by_stage(session: AsyncSession, tenant: TenantId, w: Window,
                        pipeline_id: uuid.UUID) -> Rows:
    where, p = _where(tenant, w)
    return await _all(session, (
        "SELECT stage_id, sum(deals)::int AS deals, sum(amount) AS amount, "
        f"round(sum(weighted), 2) AS weighted FROM deal_open_stage WHERE {where} AND "
        "pipeline_id = :pipeline GROUP BY stage_id HAVING sum(deals) > 0"),
        {**p, "pipeline": pipeline_id})


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
    """Open deals by the month they are expected to close, the window's months."""
    where, p = _where(tenant, w, pipeline=True)
    return await _all(session, (
        "SELECT to_char(month, 'YYYY-MM') AS month, sum(deals)::int AS deals, "
        "sum(amount) AS amount, round(sum(weighted), 2) AS weighted FROM deal_open_month "
        f"WHERE {where} AND month BETWEEN :m1 AND :m2 GROUP BY 1 HAVING sum(deals) > 0 "
        "ORDER BY 1"), {**p, "m1": w.first.replace(day=1), "m2": w.last.replace(day=1)})


def _closed(tenant: TenantId, w: Window) -> tuple[str, dict[str, Any]]:
    """The closed deals' counters of the window: whole months from deal_closed_monthly, the
    days of months covered in part from deal_closed_daily (`month` a date in both)."""
    where, p = _where(tenant, w, pipeline=True)
    start, end = _whole_months(w)
    cols = "owner_id, status, reason, deals, amount, days"
    return (f"(SELECT month, {cols} FROM deal_closed_monthly WHERE {where} AND "
            "month >= :start AND month < :end UNION ALL "
            f"SELECT date_trunc('month', day)::date, {cols} FROM deal_closed_daily WHERE "
            f"{where} AND {_BEFORE} UNION ALL "
            f"SELECT date_trunc('month', day)::date, {cols} FROM deal_closed_daily WHERE "
            f"{where} AND {_AFTER}) c",
            {**p, "start": start, "end": end})


_GROUPS = {"user": "c.owner_id", "team": "u.team_id", "month": "to_char(c.month, 'YYYY-MM')"}


async def closed(session: AsyncSession, tenant: TenantId, w: Window) -> Rows:
    """Won and lost deals by the window's `group_by`, closed within it."""
    source, p = _closed(tenant, w)
    join = ("LEFT JOIN users u ON u.tenant_id = :t AND u.id = c.owner_id"
            if w.group_by == "team" else "")
    return await _all(session, (
        f"SELECT {_GROUPS[w.group_by]} AS key, "
        "coalesce(sum(deals) FILTER (WHERE status = 'won'), 0)::int AS won_count, "
        "coalesce(sum(amount) FILTER (WHERE status = 'won'), 0) AS won_amount, "
        "coalesce(sum(deals) FILTER (WHERE status = 'lost'), 0)::int AS lost_count, "
        "sum(days) FILTER (WHERE status = 'won') AS won_days "
        f"FROM {source} {join} GROUP BY 1 HAVING sum(deals) > 0"), p)


async def lost(session: AsyncSession, tenant: TenantId, w: Window) -> Rows:
    source, p = _closed(tenant, w)
    return await _all(session, (
        "SELECT reason, sum(deals)::int AS deals, sum(amount) AS amount "
        f"FROM {source} WHERE status = 'lost' GROUP BY 1 HAVING sum(deals) > 0 "
        "ORDER BY 2 DESC, 1"), p)


async def activities(session: AsyncSession, tenant: TenantId, w: Window) -> Rows:
    where, p = _where(tenant, w, source=False)
    start, end = _whole_months(w)
    return await _all(session, (
        "SELECT owner_id AS user, kind, sum(n)::int AS n FROM ("
        f"SELECT owner_id, kind, n FROM activity_monthly WHERE {where} AND month >= :start "
        f"AND month < :end UNION ALL SELECT owner_id, kind, n FROM activity_daily WHERE "
        f"{where} AND {_BEFORE} UNION ALL SELECT owner_id, kind, n FROM activity_daily "
        f"WHERE {where} AND {_AFTER}) c GROUP BY 1, 2 HAVING sum(n) > 0"),
        {**p, "start": start, "end": end})


async def won_by_user_month(session: AsyncSession, tenant: TenantId, w: Window) -> Rows:
    source, p = _closed(tenant, w)
    return await _all(session, (
        "SELECT owner_id AS user, to_char(month, 'YYYY-MM') AS month, sum(amount) AS "
        f"won_amount FROM {source} WHERE status = 'won' GROUP BY 1, 2 "
        "HAVING sum(deals) > 0"), p)


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
