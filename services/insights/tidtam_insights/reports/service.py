"""The reports: each one's rows and totals from the read model, in the one answer shape
(schemas.ReportOut), over the caller's window (`window`: the days in the tenant's zone,
and whose figures: a sales user's own, a manager's team, an admin's everyone, narrowed
further by `user_id` / `team_id`; asking for someone outside what one may see narrows to
nobody, it is never an error, so no figure tells whether they exist)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import Unprocessable

from ..setup import repository as setup
from ..setup.service import default_pipeline, standard_stage_names
from . import repository
from .schemas import MAX_DAYS, GroupBy, Window

CENT = Decimal("0.01")
Answer = dict[str, Any]


def money(value: Decimal | None) -> str:
    return str((value or Decimal(0)).quantize(CENT))


def percent(part: int | Decimal, whole: int | Decimal) -> float | None:
    return round(float(Decimal(part) * 100 / Decimal(whole)), 1) if whole else None


def _month_start(day: date, months: int) -> date:
    n = day.year * 12 + day.month - 1 + months
    return date(n // 12, n % 12 + 1, 1)


def end_of_month(day: date) -> date:
    return _month_start(day, 1) - timedelta(days=1)


def month_day(month: str) -> date:
    """`YYYY-MM` → its first day."""
    return date(int(month[:4]), int(month[5:7]), 1)


def months(first: date, last: date) -> list[str]:
    out, day = [], _month_start(first, 0)
    while day <= last:
        out.append(f"{day:%Y-%m}")
        day = _month_start(day, 1)
    return out


async def window(session: AsyncSession, ctx: RequestContext, *, report: str,
                 first: date | None, last: date | None, team_id: uuid.UUID | None,
                 user_id: uuid.UUID | None, pipeline_id: uuid.UUID | None,
                 source: str | None, group_by: GroupBy = "user") -> Window:
    zone = await setup.time_zone(session, ctx.tenant)
    today = datetime.now(ZoneInfo(zone)).date()
    if report == "forecast":  # what is still to come: this month and the 11 after
        first = first or _month_start(today, 0)
        last = last or _month_start(today, 12) - timedelta(days=1)
    else:  # the last 12 months, this one included
        last = last or today
        first = first or _month_start(last, -11)
    if first > last:
        raise Unprocessable.on("query.from", "must not be after `to`", code="from_after_to")
    if (last - first).days > MAX_DAYS:
        raise Unprocessable.on("query.to", f"a report covers at most {MAX_DAYS} days",
                               code="window_too_wide")
    owners = ctx.lead_scope.owner_ids
    if user_id is not None:
        owners = frozenset({user_id}) if owners is None else owners & {user_id}
    if team_id is not None:
        members = await repository.team_members(session, ctx.tenant, team_id)
        owners = members if owners is None else owners & members
    return Window(first=first, last=last, zone=zone, owners=owners, pipeline_id=pipeline_id,
                  source=source, group_by=group_by)


def _answer(report: str, w: Window, columns: list[tuple[str, str]],
            rows: list[dict[str, Any]], totals: dict[str, Any]) -> Answer:
    return {"report": report, "from": w.first.isoformat(), "to": w.last.isoformat(),
            "time_zone": w.zone, "columns": [{"key": k, "kind": kind} for k, kind in columns],
            "rows": rows, "totals": totals}


async def funnel(session: AsyncSession, ctx: RequestContext, w: Window) -> Answer:
    rows = [dict(r) for r in await repository.leads_by_source(session, ctx.tenant, w)]
    totals = {k: sum(r[k] for r in rows) for k in ("created", "qualified", "converted")}
    return _answer("funnel", w, [("source", "source"), ("created", "count"),
                                 ("qualified", "count"), ("converted", "count")], rows, totals)


async def sources(session: AsyncSession, ctx: RequestContext, w: Window) -> Answer:
    found = await repository.leads_by_source(session, ctx.tenant, w)
    rows = [{"source": r["source"], "leads": r["created"], "converted": r["converted"],
             "conversion_rate": percent(r["converted"], r["created"])} for r in found]
    leads, converted = sum(r["leads"] for r in rows), sum(r["converted"] for r in rows)
    return _answer("sources", w, [("source", "source"), ("leads", "count"),
                                  ("converted", "count"), ("conversion_rate", "percent")],
                   rows, {"leads": leads, "converted": converted,
                          "conversion_rate": percent(converted, leads)})


async def pipeline(session: AsyncSession, ctx: RequestContext, w: Window) -> Answer:
    """The deals open now on each stage of the pipeline: a picture of today, whatever the
    window's days."""
    pid = w.pipeline_id or await default_pipeline(session, ctx.tenant)
    by_stage = {r["stage_id"]: r for r in await repository.open_by_stage(session, ctx.tenant,
                                                                         w, pid)}
    stages: list[tuple[uuid.UUID, str | None]] = [
        (s["id"], s["name"]) for s in await repository.stages(session, ctx.tenant, pid)]
    if not stages:
        standard = standard_stage_names(ctx.tenant)
        stages = [(sid, name) for sid, (_, name) in sorted(standard.items(),
                                                             key=lambda kv: kv[1][0])
                  if uuid.uuid5(ctx.tenant.value, "pipeline:standard") == pid]
    known = {sid for sid, _ in stages}
    extra = [sid for sid in by_stage if sid not in known]  # a stage deleted since
    names = await repository.stage_names(session, ctx.tenant, extra) if extra else {}
    stages += [(sid, names.get(sid)) for sid in extra]
    rows = []
    for sid, name in stages:
        r = by_stage.get(sid)
        rows.append({"stage": sid, "stage_name": name, "deals": r["deals"] if r else 0,
                     "amount": money(r["amount"] if r else None),
                     "weighted": money(r["weighted"] if r else None)})
    totals = {"deals": sum(r["deals"] for r in by_stage.values()),
              "amount": money(sum((r["amount"] for r in by_stage.values()), Decimal(0))),
              "weighted": money(sum((r["weighted"] for r in by_stage.values()), Decimal(0)))}
    answer = _answer("pipeline", w, [("stage", "stage"), ("deals", "count"),
                                     ("amount", "money"), ("weighted", "money")], rows, totals)
    answer["pipeline_id"] = str(pid)
    return answer


async def forecast(session: AsyncSession, ctx: RequestContext, w: Window) -> Answer:
    found = {r["month"]: r for r in await repository.forecast(session, ctx.tenant, w)}
    rows = [{"month": m, "deals": found[m]["deals"] if m in found else 0,
             "amount": money(found[m]["amount"] if m in found else None),
             "weighted": money(found[m]["weighted"] if m in found else None)}
            for m in months(w.first, w.last)]
    totals = {"deals": sum(r["deals"] for r in found.values()),
              "amount": money(sum((r["amount"] for r in found.values()), Decimal(0))),
              "weighted": money(sum((r["weighted"] for r in found.values()), Decimal(0)))}
    return _answer("forecast", w, [("month", "month"), ("deals", "count"), ("amount", "money"),
                                   ("weighted", "money")], rows, totals)


def _won_figures(won: int, amount: Decimal, lost: int, days: int | None) -> dict[str, Any]:
    return {"won_count": won, "won_amount": money(amount), "lost_count": lost,
            "win_rate": percent(won, won + lost),
            "avg_days_to_close": round(days / won, 1) if won and days is not None else None}


async def won(session: AsyncSession, ctx: RequestContext, w: Window) -> Answer:
    key = w.group_by
    found = sorted(await repository.closed(session, ctx.tenant, w),
                   key=lambda r: (-r["won_amount"], str(r["key"])))
    if key == "month":
        found = sorted(found, key=lambda r: r["key"])
    rows = [{key: r["key"], **({} if key == "month" else {f"{key}_name": r["key_name"]}),
             **_won_figures(r["won_count"], r["won_amount"], r["lost_count"], r["won_days"])}
            for r in found]
    days = [r["won_days"] for r in found if r["won_days"] is not None]
    totals = _won_figures(sum(r["won_count"] for r in found),
                          sum((r["won_amount"] for r in found), Decimal(0)),
                          sum(r["lost_count"] for r in found), sum(days) if days else None)
    answer = _answer("won", w, [(key, key), ("won_count", "count"), ("won_amount", "money"),
                                ("lost_count", "count"), ("win_rate", "percent"),
                                ("avg_days_to_close", "days")], rows, totals)
    answer["group_by"] = key
    return answer


async def lost(session: AsyncSession, ctx: RequestContext, w: Window) -> Answer:
    found = await repository.lost(session, ctx.tenant, w)
    rows = [{"reason": r["reason"], "deals": r["deals"], "amount": money(r["amount"])}
            for r in found]
    totals = {"deals": sum(r["deals"] for r in found),
              "amount": money(sum((r["amount"] for r in found), Decimal(0)))}
    return _answer("lost", w, [("reason", "reason"), ("deals", "count"), ("amount", "money")],
                   rows, totals)


ACTIVITY_KINDS = ("task", "meeting", "call", "email", "checkin")


async def activities(session: AsyncSession, ctx: RequestContext, w: Window) -> Answer:
    by_user: dict[uuid.UUID, dict[str, Any]] = {}
    for r in await repository.activities(session, ctx.tenant, w):
        row = by_user.setdefault(r["key"], {"user": r["key"], "user_name": r["user_name"],
                                            **dict.fromkeys(ACTIVITY_KINDS, 0), "total": 0})
        row[r["kind"]] += r["n"]
        row["total"] += r["n"]
    rows = sorted(by_user.values(), key=lambda r: (-r["total"], str(r["user"])))
    totals = {k: sum(r[k] for r in rows) for k in (*ACTIVITY_KINDS, "total")}
    return _answer("activities", w, [("user", "user"), *((k, "count") for k in ACTIVITY_KINDS),
                                     ("total", "count")], rows, totals)


def _satang(value: int) -> str:
    """An amount in satang as money text (`money` of it), without a Decimal."""
    whole, cents = divmod(abs(value), 100)
    return f"{'-' if value < 0 else ''}{whole}.{cents:02d}"


def _attainment(won: int, target: int | None) -> float | None:
    """`percent(won, target)` of amounts in satang: the same float, rounded the same way."""
    return round(won * 100 / target, 1) if target else None


async def targets(session: AsyncSession, ctx: RequestContext, w: Window) -> Answer:
    """The rows come ordered and with their money as text from the database (repository.
    targets); only the attainment is worked out here, from whole satang."""
    span = months(w.first, w.last)
    found = await repository.targets(session, ctx.tenant, w, span[0], span[-1])
    rows = [{"user": key, "user_name": name, "month": month, "target": target,
             "won_amount": won, "attainment": None if target is None else _attainment(
                 won_satang, target_satang)}
            for key, name, month, target, won, target_satang, won_satang in found]
    target_sum = sum(r[5] for r in found if r[5] is not None)
    won_sum = sum(r[6] for r in found)
    return _answer("targets", w, [("user", "user"), ("month", "month"), ("target", "money"),
                                  ("won_amount", "money"), ("attainment", "percent")], rows,
                   {"target": _satang(target_sum), "won_amount": _satang(won_sum),
                    "attainment": _attainment(won_sum, target_sum)})


BUILDERS: dict[str, Callable[[AsyncSession, RequestContext, Window], Awaitable[Answer]]] = {
    "funnel": funnel, "pipeline": pipeline, "forecast": forecast, "won": won, "lost": lost,
    "sources": sources, "activities": activities, "targets": targets}
