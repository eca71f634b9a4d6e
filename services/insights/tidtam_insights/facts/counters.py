"""The counters a fact adds to, and moving them: a change of a lead or a deal takes its old
fact's contributions away and adds its new fact's. The differences are gathered in the
session (`move`) and written when the consumer's transaction ends (`flush`, its
before_commit): one upsert per counter row that moved in the whole batch of events, in the
order of the rows' keys (two transactions lock shared rows in one order: no deadlock).
Counter keys hold '' for no source or reason (a key column cannot be null); a month is its
first day."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

LEAD_NUMBERS = ("created", "qualified", "converted")
OPEN_NUMBERS = ("deals", "amount", "weighted")
CLOSED_NUMBERS = ("deals", "amount", "weighted", "days")
CLOSED_KEYS = ("pipeline_id", "owner_id", "source", "status", "reason")
COUNTERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "lead_daily": (("day", "owner_id", "source"), LEAD_NUMBERS),
    "lead_monthly": (("month", "owner_id", "source"), LEAD_NUMBERS),
    "lead_monthly_source": (("month", "source"), LEAD_NUMBERS),
    "deal_open_stage": (("pipeline_id", "stage_id", "owner_id", "source"), OPEN_NUMBERS),
    "deal_open_month": (("month", "pipeline_id", "owner_id", "source"), OPEN_NUMBERS),
    "deal_open_month_pipeline": (("month", "pipeline_id"), OPEN_NUMBERS),
    "deal_closed_daily": (("day", *CLOSED_KEYS), CLOSED_NUMBERS),
    "deal_closed_monthly": (("month", *CLOSED_KEYS), CLOSED_NUMBERS),
    "deal_closed_daily_owner": (("day", "pipeline_id", "owner_id", "status"), CLOSED_NUMBERS),
    "deal_closed_daily_source": (("day", "pipeline_id", "source", "status", "reason"),
                                 CLOSED_NUMBERS),
    "deal_closed_monthly_owner": (("month", "pipeline_id", "owner_id", "status"),
                                  CLOSED_NUMBERS),
    "deal_closed_monthly_source": (("month", "pipeline_id", "source", "status", "reason"),
                                   CLOSED_NUMBERS),
    "activity_daily": (("day", "owner_id", "kind"), ("n",)),
    "activity_monthly": (("month", "owner_id", "kind"), ("n",)),
}
Parts = dict[tuple[str, tuple[Any, ...]], dict[str, Any]]


def _upsert(table: str) -> sa.TextClause:
    keys, numbers = COUNTERS[table]
    columns = ("tenant_id", *keys, *numbers)
    return sa.text(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        f"({', '.join(':' + c for c in columns)}) ON CONFLICT (tenant_id, {', '.join(keys)}) "
        f"DO UPDATE SET " + ", ".join(f"{n} = {table}.{n} + excluded.{n}" for n in numbers))


UPSERTS = {table: _upsert(table) for table in COUNTERS}


def lead_parts(f: Mapping[str, Any] | None) -> Parts:
    if f is None:
        return {}
    values = {"created": 1, "qualified": int(f["qualified"]), "converted": int(f["converted"])}
    day, month = f["created_day"], f["created_day"].replace(day=1)
    return {("lead_daily", (day, f["owner_id"], f["source"])): values,
            ("lead_monthly", (month, f["owner_id"], f["source"])): values,
            ("lead_monthly_source", (month, f["source"])): values}


def deal_parts(f: Mapping[str, Any] | None) -> Parts:
    if f is None:
        return {}
    amount = f["amount"] or Decimal(0)
    values: dict[str, Any] = {"deals": 1, "amount": amount,
                              "weighted": amount * (f["probability"] or 0) / 100}
    source = f["source"] or ""
    if f["status"] == "open":
        parts: Parts = {("deal_open_stage", (f["pipeline_id"], f["stage_id"], f["owner_id"],
                                             source)): values}
        if f["expected_close"] is not None:
            month = f["expected_close"].replace(day=1)
            parts[("deal_open_month", (month, f["pipeline_id"], f["owner_id"],
                                       source))] = values
            parts[("deal_open_month_pipeline", (month, f["pipeline_id"]))] = values
        return parts
    closed = f["closed_on"]
    values["days"] = (closed - f["created_day"]).days if f["status"] == "won" else 0
    key = (f["pipeline_id"], f["owner_id"], source, f["status"], f["lost_reason"] or "")
    by_owner = (f["pipeline_id"], f["owner_id"], f["status"])
    by_source = (f["pipeline_id"], source, f["status"], f["lost_reason"] or "")
    parts = {}
    for period, grain in ((closed, "daily"), (closed.replace(day=1), "monthly")):
        parts[(f"deal_closed_{grain}", (period, *key))] = values
        parts[(f"deal_closed_{grain}_owner", (period, *by_owner))] = values
        parts[(f"deal_closed_{grain}_source", (period, *by_source))] = values
    return parts


def activity_parts(f: Mapping[str, Any] | None) -> Parts:
    if f is None or f["status"] == "cancelled":
        return {}
    day = f["created_day"]
    return {("activity_daily", (day, f["owner_id"], f["kind"])): {"n": 1},
            ("activity_monthly", (day.replace(day=1), f["owner_id"], f["kind"])): {"n": 1}}


_PENDING = "insights_counters"  # session.info: (table, key) → the numbers' differences


async def move(session: AsyncSession, tenant: TenantId, old: Parts, new: Parts) -> None:
    """Counters by `new` minus `old`, gathered for `flush` (rows that do not move are left
    alone)."""
    pending: dict[tuple[str, tuple[Any, ...]], dict[str, Any]] = session.info.setdefault(
        _PENDING, {})
    for part in dict.fromkeys([*old, *new]):
        table, key = part
        numbers = COUNTERS[table][1]
        before, after = old.get(part, {}), new.get(part, {})
        row = pending.setdefault((table, (tenant.value, *key)), dict.fromkeys(numbers, 0))
        for n in numbers:
            row[n] += after.get(n, 0) - before.get(n, 0)


async def flush(session: AsyncSession) -> None:
    """The differences gathered by `move` into the counter tables: one upsert per row."""
    pending: dict[tuple[str, tuple[Any, ...]], dict[str, Any]] = session.info.pop(_PENDING, {})
    rows: dict[str, list[dict[str, Any]]] = {}
    for (table, key), delta in sorted(pending.items(), key=lambda kv: (kv[0][0],
                                                                      str(kv[0][1]))):
        if any(delta.values()):
            keys = ("tenant_id", *COUNTERS[table][0])
            rows.setdefault(table, []).append({**dict(zip(keys, key, strict=True)), **delta})
    for table, values in rows.items():
        await session.execute(UPSERTS[table], values)
