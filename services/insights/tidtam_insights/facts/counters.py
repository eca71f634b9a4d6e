"""The counters a fact adds to, and moving them: a change of a lead or a deal takes its old
fact's contributions away and adds its new fact's (one upsert per counter row that moved).
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
    "deal_open_stage": (("pipeline_id", "stage_id", "owner_id", "source"), OPEN_NUMBERS),
    "deal_open_month": (("month", "pipeline_id", "owner_id", "source"), OPEN_NUMBERS),
    "deal_closed_daily": (("day", *CLOSED_KEYS), CLOSED_NUMBERS),
    "deal_closed_monthly": (("month", *CLOSED_KEYS), CLOSED_NUMBERS),
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
    day = f["created_day"]
    return {("lead_daily", (day, f["owner_id"], f["source"])): values,
            ("lead_monthly", (day.replace(day=1), f["owner_id"], f["source"])): values}


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
            parts[("deal_open_month", (f["expected_close"].replace(day=1), f["pipeline_id"],
                                       f["owner_id"], source))] = values
        return parts
    closed = f["closed_on"]
    values["days"] = (closed - f["created_day"]).days if f["status"] == "won" else 0
    key = (f["pipeline_id"], f["owner_id"], source, f["status"], f["lost_reason"] or "")
    return {("deal_closed_daily", (closed, *key)): values,
            ("deal_closed_monthly", (closed.replace(day=1), *key)): values}


def activity_parts(f: Mapping[str, Any] | None) -> Parts:
    if f is None or f["status"] == "cancelled":
        return {}
    day = f["created_day"]
    return {("activity_daily", (day, f["owner_id"], f["kind"])): {"n": 1},
            ("activity_monthly", (day.replace(day=1), f["owner_id"], f["kind"])): {"n": 1}}


async def move(session: AsyncSession, tenant: TenantId, old: Parts, new: Parts) -> None:
    """Counters by `new` minus `old` (rows that do not move are left alone)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for part in dict.fromkeys([*old, *new]):
        table, key = part
        keys, numbers = COUNTERS[table]
        before, after = old.get(part, {}), new.get(part, {})
        delta = {n: after.get(n, 0) - before.get(n, 0) for n in numbers}
        if any(delta.values()):
            rows.setdefault(table, []).append(
                {"tenant_id": tenant.value, **dict(zip(keys, key, strict=True)), **delta})
    for table, values in rows.items():
        await session.execute(UPSERTS[table], values)
