"""The reports' SQL over the read model: counters for leads, one row per deal and per
activity, each narrowed to the window's owners and filters."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

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


async def _tuples(session: AsyncSession, sql: str, params: dict[str, Any]) -> Sequence[Any]:
    """The rows as plain tuples (no mapping per row)."""
    return (await session.execute(sa.text(sql), params)).all()


@dataclass(frozen=True)
class Span:
    """How a window is read from a daily and a monthly counter table: the months
    [`start`, `end`) from the monthly one, plus or minus (`signs`) the days of two spans
    (`days`, each [a, b], empty when a > b) from the daily one. A month the window covers
    in part is read the cheaper way: its covered days added, or the whole month taken and
    its uncovered days taken away (leads and activities are dated by when they were
    made, never after today: the month a window ends today is its monthly row alone, no
    daily row; a deal may close on a day still to come, so for deals every day counts).
    The counters keep every monthly row the sum of its days, so both ways give the same
    figure."""

    start: date
    end: date
    days: tuple[tuple[date, date], tuple[date, date]]
    signs: tuple[int, int]

    def params(self) -> dict[str, Any]:
        (a1, b1), (a2, b2) = self.days
        return {"start": self.start, "end": self.end, "a1": a1, "b1": b1, "a2": a2, "b2": b2,
                "s1": self.signs[0], "s2": self.signs[1]}


_NONE = (date.max, date.min)  # an empty span of days


def _end_of_month(day: date) -> date:
    return _next_month(day) - timedelta(days=1)


def span(first: date, last: date, today: date) -> Span:
    """The window [first, last] as a Span, each month covered in part read the way that
    reads fewer days that can hold records (none after `today`)."""
    def cost(spans: Sequence[tuple[date, date]]) -> int:
        return sum(max(0, (min(b, today) - a).days + 1) for a, b in spans)

    one = timedelta(days=1)
    head, tail = first.replace(day=1), last.replace(day=1)
    start, end = head, _next_month(tail)
    days: list[tuple[date, date, int]] = []
    # Each month covered in part: the days it covers, and those it does not.
    edges: list[tuple[str, tuple[date, date], list[tuple[date, date]]]] = []
    if head == tail:
        if first.day != 1 or last != _end_of_month(tail):
            edges.append(("both", (first, last),
                          [(head, first - one), (last + one, _end_of_month(tail))]))
    else:
        if first.day != 1:
            edges.append(("head", (first, _end_of_month(head)), [(head, first - one)]))
        if last != _end_of_month(tail):
            edges.append(("tail", (tail, last), [(last + one, _end_of_month(tail))]))
    for edge, inside, outside in edges:
        if cost([inside]) <= cost(outside):
            days.append((*inside, 1))
            if edge in ("both", "head"):
                start = _next_month(head)
            if edge in ("both", "tail"):
                end = tail
        else:
            days += [(a, b, -1) for a, b in outside]
    days += [(*_NONE, 1)] * (2 - len(days))
    return Span(max(start, head), max(end, start), ((days[0][0], days[0][1]),
                                                     (days[1][0], days[1][1])),
                (days[0][2], days[1][2]))


def _today(w: Window) -> date:
    return datetime.now(ZoneInfo(w.zone)).date()


def _counted(monthly: str, daily: str, where: str, columns: str, numbers: Sequence[str],
             month: bool = False) -> str:
    """A FROM item: the window's rows of a monthly counter table and, signed, of its daily
    one (`columns` as they are, `numbers` times the sign; with `month`, a `month` column
    for both: the daily rows' month)."""
    signed = ", ".join(f"{{s}} * {n} AS {n}" for n in numbers)
    plain = ", ".join(numbers)
    lead = "month, " if month else ""
    day_month = "date_trunc('month', day)::date AS month, " if month else ""
    return (f"(SELECT {lead}{columns}, {plain} FROM {monthly} WHERE {where} AND "
            "month >= :start AND month < :end UNION ALL "
            f"SELECT {day_month}{columns}, {signed.format(s=':s1')} FROM {daily} WHERE "
            f"{where} AND day BETWEEN :a1 AND :b1 UNION ALL "
            f"SELECT {day_month}{columns}, {signed.format(s=':s2')} FROM {daily} WHERE "
            f"{where} AND day BETWEEN :a2 AND :b2) c")


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


async def leads_by_source(session: AsyncSession, tenant: TenantId, w: Window) -> Rows:
    """The leads created in the window by source: lead_monthly and lead_daily (Span)."""
    where, p = _where(tenant, w)
    monthly = "lead_monthly_source" if w.owners is None else "lead_monthly"
    counted = _counted(monthly, "lead_daily", where, "source",
                       ("created", "qualified", "converted"))
    return await _all(session, (
        "SELECT source, sum(created)::int AS created, sum(qualified)::int AS qualified, "
        f"sum(converted)::int AS converted FROM {counted} "
        "GROUP BY source HAVING sum(created) > 0 ORDER BY sum(created) DESC, source"),
        {**p, **span(w.first, w.last, _today(w)).params()})


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
    table = ("deal_open_month_pipeline" if w.owners is None and w.source is None
             else "deal_open_month")
    return await _all(session, (
        "SELECT to_char(month, 'YYYY-MM') AS month, sum(deals)::int AS deals, "
        f"sum(amount) AS amount, round(sum(weighted), 2) AS weighted FROM {table} "
        f"WHERE {where} AND month BETWEEN :m1 AND :m2 GROUP BY 1 HAVING sum(deals) > 0 "
        "ORDER BY 1"), {**p, "m1": w.first.replace(day=1), "m2": w.last.replace(day=1)})


def _closed(tenant: TenantId, w: Window, columns: str) -> tuple[str, dict[str, Any]]:
    """The closed deals' counters of the window (Span), `columns` of them: by month from
    the coarsest monthly table that holds them and the window's filters, the days from
    the daily table of the same grain (`month` a date in both)."""
    where, p = _where(tenant, w, pipeline=True)
    if "owner_id" not in columns and w.owners is None:
        grain = "_source"
    elif "reason" not in columns and w.source is None:
        grain = "_owner"
    else:
        grain = ""
    # A deal may be closed on a day still to come (won on a planned date): every day of a
    # month can hold records, after today too.
    return (_counted(f"deal_closed_monthly{grain}", f"deal_closed_daily{grain}", where,
                     columns,
                     ("deals", "amount", "days"), month=True),
            {**p, **span(w.first, w.last, date.max).params()})


_GROUPS = {"user": "c.owner_id", "team": "u.team_id", "month": "to_char(c.month, 'YYYY-MM')"}
# The name beside a user's or a team's figures, in the same statement.
_NAMES = {"user": "LEFT JOIN users n ON n.tenant_id = :t AND n.id = g.key",
          "team": "LEFT JOIN teams n ON n.tenant_id = :t AND n.id = g.key"}


async def closed(session: AsyncSession, tenant: TenantId, w: Window) -> Rows:
    """Won and lost deals by the window's `group_by`, closed within it (with `key_name`,
    the user's or team's name)."""
    source, p = _closed(tenant, w, "status" if w.group_by == "month" else "owner_id, status")
    join = ("LEFT JOIN users u ON u.tenant_id = :t AND u.id = c.owner_id"
            if w.group_by == "team" else "")
    name, names = ("NULL::text", "") if w.group_by == "month" else (
        "n.name", _NAMES[w.group_by])
    return await _all(session, (
        f"SELECT g.*, {name} AS key_name FROM (SELECT {_GROUPS[w.group_by]} AS key, "
        "coalesce(sum(deals) FILTER (WHERE status = 'won'), 0)::int AS won_count, "
        "coalesce(sum(amount) FILTER (WHERE status = 'won'), 0) AS won_amount, "
        "coalesce(sum(deals) FILTER (WHERE status = 'lost'), 0)::int AS lost_count, "
        "sum(days) FILTER (WHERE status = 'won') AS won_days "
        f"FROM {source} {join} GROUP BY 1 HAVING sum(deals) > 0) g {names}"), p)


async def lost(session: AsyncSession, tenant: TenantId, w: Window) -> Rows:
    source, p = _closed(tenant, w, "status, reason")
    return await _all(session, (
        "SELECT reason, sum(deals)::int AS deals, sum(amount) AS amount "
        f"FROM {source} WHERE status = 'lost' GROUP BY 1 HAVING sum(deals) > 0 "
        "ORDER BY 2 DESC, 1"), p)


async def activities(session: AsyncSession, tenant: TenantId, w: Window) -> Rows:
    """Activities by user and kind, with the user's name (`user_name`)."""
    where, p = _where(tenant, w, source=False)
    counted = _counted("activity_monthly", "activity_daily", where, "owner_id, kind", ("n",))
    return await _all(session, (
        "SELECT g.*, n.name AS user_name FROM (SELECT owner_id AS key, kind, sum(n)::int AS n "
        f"FROM {counted} GROUP BY 1, 2 HAVING sum(n) > 0) g {_NAMES['user']}"),
        {**p, **span(w.first, w.last, _today(w)).params()})


async def targets(session: AsyncSession, tenant: TenantId, w: Window, first: str,
                  last: str) -> Sequence[Any]:
    """Each user's target and won amount per month of the window (a target without
    anything won, or won without a target, too), in the answer's order (month, user):
    (user, user's name, month, target as text or null, won as text, target and won in
    satang as integers, the target's null). Money leaves the database as exact text, so
    600 cells cost no Decimal in Python."""
    source, p = _closed(tenant, w, "owner_id, status")
    where, _ = _where(tenant, w, source=False, owner="user_id")
    return await _tuples(session, (
        "SELECT g.key, n.name, g.month, g.target::numeric(20, 2)::text, "
        "coalesce(g.won_amount, 0)::numeric(20, 2)::text, (g.target * 100)::bigint, "
        "(coalesce(g.won_amount, 0) * 100)::bigint FROM (SELECT coalesce(t.user_id, c.key) "
        "AS key, coalesce(t.month, c.month) AS month, t.amount AS target, c.won_amount FROM "
        f"(SELECT user_id, month, amount FROM targets WHERE {where} "
        "AND month BETWEEN :m1 AND :m2) t FULL JOIN "
        "(SELECT owner_id AS key, to_char(month, 'YYYY-MM') AS month, sum(amount) AS "
        f"won_amount FROM {source} WHERE status = 'won' GROUP BY 1, 2 "
        "HAVING sum(deals) > 0) c ON c.key = t.user_id AND c.month = t.month) g "
        f"{_NAMES['user']} ORDER BY g.month, g.key"), {**p, "m1": first, "m2": last})


async def team_members(session: AsyncSession, tenant: TenantId,
                       team_id: uuid.UUID) -> frozenset[uuid.UUID]:
    rows = await _all(session, "SELECT id FROM users WHERE tenant_id = :t AND team_id = :team",
                      {"t": tenant.value, "team": team_id})
    return frozenset(r["id"] for r in rows)
