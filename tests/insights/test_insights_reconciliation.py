"""Reconciliation: a seeded random mix of lead creates, qualify, disqualify, convert (deals
made by the conversion, over the accounts service), deal creates, stage moves, won, lost,
reopen, owner changes, changes of amount, probability and expected date, a lead transfer,
a user deactivated with their leads handed on and one deleted; then every report, waited
for until the read model has caught up, equals the same figure computed here from the
leads database's own records (its leads, deals and users tables)."""

from __future__ import annotations

import asyncio
import functools
import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from crmkit.testing.system import System
from crmkit.testing.tenants import pg_dsn

from .insights_support import INSIGHTS, Tenant, until

pytestmark = pytest.mark.integration
ZONE = ZoneInfo("Asia/Bangkok")
SOURCES = ["website", "facebook", "line", "phone", "referral"]
REASONS = ["ราคาสูงเกินไป", "เลือกคู่แข่ง", "ไม่มีงบประมาณ"]
WINDOW = {"from": "2025-06-01", "to": "2027-12-31"}
FIRST, LAST = date(2025, 6, 1), date(2027, 12, 31)
CENT = Decimal("0.01")


def _money(v: Decimal | None) -> str:
    return str((v or Decimal(0)).quantize(CENT))


def _pct(a: Any, b: Any) -> float | None:
    return round(float(Decimal(a) * 100 / Decimal(b)), 1) if b else None


def _amount(rnd: random.Random) -> str:
    return f"{rnd.randint(1000, 900000)}.{rnd.randint(0, 99):02d}"


def _day(rnd: random.Random, first: date, days: int) -> str:
    return (first + timedelta(days=rnd.randrange(days))).isoformat()


def _play(t: Tenant, rnd: random.Random, stages: list[str]) -> None:
    sellers = ["s1", "s2", "s3", "s4", "manager"]
    leads = []
    for _ in range(36):
        who = rnd.choice(sellers)
        leads.append((who, t.lead(who, source=rnd.choice(SOURCES), potential=_amount(rnd))))
    converting = []
    for who, lead in leads:
        roll, base = rnd.random(), f"/api/v1/leads/{lead['id']}"
        if roll < 0.3:
            t.post(who, f"{base}/qualify", {"need": "ระบบ CRM", "score": rnd.randint(0, 100)})
        elif roll < 0.4:
            t.post(who, f"{base}/disqualify", {"reason": "ไม่มีงบ"})
        elif roll < 0.65:
            if rnd.random() < 0.5:
                t.post(who, f"{base}/qualify", {"need": "ระบบ CRM"})
            t.post(who, f"{base}/convert", {"account": {}})
            converting.append(lead["id"])
    deals = []
    for _ in range(24):
        who = rnd.choice(sellers)
        body: dict[str, Any] = {"owner_id": t.users[who]}
        if rnd.random() < 0.8:
            body["amount"] = _amount(rnd)
        if rnd.random() < 0.7:
            body["probability"] = rnd.randint(0, 100)
        if rnd.random() < 0.8:
            body["expected_close"] = _day(rnd, date(2026, 1, 1), 700)
        if rnd.random() < 0.3:
            body["lead_id"] = rnd.choice(leads)[1]["id"]
        deals.append(t.deal("admin", **body)["id"])
    admin = t.h("admin")
    for lead_id in converting:  # their deals come from the accounts service's answer
        until(functools.partial(t.gw.get, f"/api/v1/leads/{lead_id}", headers=admin),
              lambda lead: lead["conversion_status"] in ("converted", "failed"))
    everything = until(lambda: t.gw.get("/api/v1/deals", headers=admin,
                                        params={"limit": 200}),
                       lambda page: len(page["items"]) >= len(deals) + 1)
    deals = [d["id"] for d in everything["items"]]

    for _ in range(90):
        deal, roll = rnd.choice(deals), rnd.random()
        base = f"/api/v1/deals/{deal}"
        current = t.gw.get(base, headers=admin).json()
        if roll < 0.25:
            t.gw.post(f"{base}/stage", headers=admin, json={"stage_id": rnd.choice(stages)})
        elif roll < 0.45 and current["status"] == "open":
            body = {"closed_on": _day(rnd, date(2025, 10, 1), 500)}
            if rnd.random() < 0.5:
                body["amount"] = _amount(rnd)
            assert t.gw.post(f"{base}/won", headers=admin, json=body).status_code == 200
        elif roll < 0.55 and current["status"] == "open":
            r = t.gw.post(f"{base}/lost", headers=admin, json={"reason": rnd.choice(REASONS)})
            assert r.status_code == 200, r.text
        elif roll < 0.65 and current["status"] != "open":
            assert t.gw.post(f"{base}/reopen", headers=admin).status_code == 200
        elif roll < 0.8:
            owner = t.users[rnd.choice(["s1", "s2", "s3", "s4", "manager"])]
            r = t.gw.patch(base, headers=admin, json={"owner_id": owner})
            assert r.status_code in (200, 404), r.text  # 404: a deactivated owner
        else:
            change = rnd.choice([{"amount": _amount(rnd)}, {"probability": rnd.randint(0, 100)},
                                 {"expected_close": _day(rnd, date(2026, 1, 1), 700)},
                                 {"expected_close": None}, {"amount": None}])
            assert t.gw.patch(base, headers=admin, json=change).status_code == 200
        if _ == 40:  # people come and go half-way
            r = t.gw.post("/api/v1/leads/transfer", headers=admin, json={
                "from_user_id": t.users["s2"], "to_user_id": t.users["s4"]})
            assert r.status_code == 200, r.text
            r = t.gw.post(f"/api/v1/users/{t.users['s3']}/deactivate", headers=admin,
                          json={"transfer_leads_to": t.users["s1"]})
            assert r.status_code == 200, r.text
        if _ == 60:
            assert t.gw.delete(f"/api/v1/users/{t.users['s2']}", headers=admin).status_code == 200
            sellers = ["s1", "s4", "manager"]


async def _source_records(system: System,
                          tenant_id: str) -> dict[str, list[dict[str, Any]]]:
    conn = await asyncpg.connect(pg_dsn(system.db_url("leads", owner=True)))
    try:
        t = uuid.UUID(tenant_id)
        return {
            "leads": [dict(r) for r in await conn.fetch(
                "SELECT owner_id, source, created_at, qualification, conversion_status "
                "FROM leads WHERE tenant_id = $1", t)],
            "deals": [dict(r) for r in await conn.fetch(
                "SELECT d.*, l.source FROM deals d LEFT JOIN leads l ON l.tenant_id = "
                "d.tenant_id AND l.id = d.lead_id WHERE d.tenant_id = $1", t)],
            "users": [dict(r) for r in await conn.fetch(
                "SELECT id, team_id FROM users WHERE tenant_id = $1", t)],
        }
    finally:
        await conn.close()


def _expected(src: dict[str, list[dict[str, Any]]], owners: set[str] | None, standard: str,
              stage_ids: list[str], targets: dict[tuple[str, str], Any], first: date = FIRST,
              last: date = LAST) -> dict[str, Any]:
    """Every report's rows and totals from the source records (`owners`: whose), over the
    days [first, last]."""
    seen = (lambda o: True) if owners is None else (lambda o: str(o) in owners)
    team = {str(u["id"]): u["team_id"] and str(u["team_id"]) for u in src["users"]}
    out: dict[str, Any] = {}

    funnel: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for lead in src["leads"]:
        if not seen(lead["owner_id"]) or not first <= lead["created_at"].astimezone(
                ZONE).date() <= last:
            continue
        converted = lead["conversion_status"] == "converted"
        row = funnel[lead["source"]]
        row[0] += 1
        row[1] += lead["qualification"] == "qualified" or converted
        row[2] += converted
    out["funnel"] = sorted((s, *n) for s, n in funnel.items())
    out["sources"] = sorted((s, n[0], n[2], _pct(n[2], n[0])) for s, n in funnel.items())

    deals = [d for d in src["deals"] if seen(d["owner_id"])]
    opened = [d for d in deals if d["status"] == "open"]

    def sums(group: list[dict[str, Any]]) -> tuple[int, str, str]:
        amounts = [d["amount"] for d in group if d["amount"] is not None]
        weighted = sum((d["amount"] * (d["probability"] or 0) / 100 for d in group
                        if d["amount"] is not None), Decimal(0))
        return len(group), _money(sum(amounts, Decimal(0))), _money(
            weighted.quantize(CENT))

    by_stage = defaultdict(list)
    for d in opened:
        if str(d["pipeline_id"]) == standard:
            by_stage[str(d["stage_id"])].append(d)
    out["pipeline"] = [(s, *sums(by_stage[s])) for s in stage_ids]
    by_month = defaultdict(list)
    for d in opened:
        if d["expected_close"] and first.replace(day=1) <= d["expected_close"] <= LAST:
            by_month[f"{d['expected_close']:%Y-%m}"].append(d)
    out["forecast"] = sorted((m, *sums(g)) for m, g in by_month.items())

    closed = [d for d in deals if d["status"] != "open" and first <= d["closed_on"] <= last]
    for group_by, key in (("user", lambda d: str(d["owner_id"])),
                          ("team", lambda d: team.get(str(d["owner_id"]))),
                          ("month", lambda d: f"{d['closed_on']:%Y-%m}")):
        groups = defaultdict(list)
        for d in closed:
            groups[key(d)].append(d)
        rows = []
        for k, g in groups.items():
            won = [d for d in g if d["status"] == "won"]
            days = sum((d["closed_on"] - d["created_at"].astimezone(ZONE).date()).days
                       for d in won)
            rows.append((str(k), len(won), _money(sum((d["amount"] or Decimal(0) for d in won),
                                                       Decimal(0))),
                         len(g) - len(won), _pct(len(won), len(g)),
                         round(days / len(won), 1) if won else None))
        out[f"won/{group_by}"] = sorted(rows)
    lost = defaultdict(list)
    for d in closed:
        if d["status"] == "lost":
            lost[d["lost_reason"]].append(d)
    out["lost"] = sorted((r, len(g), _money(sum((d["amount"] or Decimal(0) for d in g),
                                                 Decimal(0))))
                         for r, g in lost.items())
    cells: dict[tuple[str, str], list[Any]] = {
        k: [v, Decimal(0)] for k, v in targets.items() if seen(k[0])
        and f"{first:%Y-%m}" <= k[1] <= f"{last:%Y-%m}"}
    for d in closed:
        if d["status"] == "won":
            cell = cells.setdefault((str(d["owner_id"]), f"{d['closed_on']:%Y-%m}"),
                                    [None, Decimal(0)])
            cell[1] += d["amount"] or 0
    out["targets"] = sorted((u, m, None if c[0] is None else _money(Decimal(c[0])),
                             _money(c[1]), None if c[0] is None else _pct(c[1], Decimal(c[0])))
                            for (u, m), c in cells.items())
    return out


def _answered(t: Tenant, who: str, params: dict[str, Any],
              window: dict[str, Any] | None = None) -> dict[str, Any]:
    """The same figures as the insights service answers them."""
    def get(report: str, **more: Any) -> dict[str, Any]:
        r = t.gw.get(f"{INSIGHTS}/{report}", headers=t.h(who),
                     params={**(window or WINDOW), **params, **more})
        assert r.status_code == 200, r.text
        answer: dict[str, Any] = r.json()
        return answer

    out: dict[str, Any] = {}
    out["funnel"] = sorted((r["source"], r["created"], r["qualified"], r["converted"])
                           for r in get("funnel")["rows"])
    out["sources"] = sorted((r["source"], r["leads"], r["converted"], r["conversion_rate"])
                            for r in get("sources")["rows"])
    out["pipeline"] = [(r["stage"], r["deals"], r["amount"], r["weighted"])
                       for r in get("pipeline")["rows"]]
    out["forecast"] = sorted((r["month"], r["deals"], r["amount"], r["weighted"])
                             for r in get("forecast", to=LAST.isoformat())["rows"]
                             if r["deals"])
    for group_by in ("user", "team", "month"):
        out[f"won/{group_by}"] = sorted(
            (str(r[group_by]), r["won_count"], r["won_amount"], r["lost_count"],
             r["win_rate"], r["avg_days_to_close"])
            for r in get("won", group_by=group_by)["rows"])
    out["lost"] = sorted((r["reason"], r["deals"], r["amount"]) for r in get("lost")["rows"])
    out["targets"] = sorted((r["user"], r["month"], r["target"], r["won_amount"],
                             r["attainment"]) for r in get("targets")["rows"])
    return out


async def test_every_report_equals_the_figures_of_the_source_records(
        make_tenant: Callable[[], Tenant], system: System) -> None:
    rnd = random.Random(16)
    t = make_tenant()
    t.add_team("A")
    t.add_team("B")
    t.add_user("manager", "manager", "A")
    t.add_user("s1", "sales", "A")
    t.add_user("s2", "sales", "A")
    t.add_user("s3", "sales", "B")
    t.add_user("s4", "sales")
    t.set_visibility("own")
    pipelines = t.gw.get("/api/v1/pipelines", headers=t.h("admin")).json()
    pipelines = pipelines["items"] if isinstance(pipelines, dict) else pipelines
    standard = next(p for p in pipelines if p["is_standard"])
    stage_ids = [s["id"] for s in standard["stages"]]
    _play(t, rnd, stage_ids)
    targets = {}
    for who, month, amount in (("s1", "2026-03", "250000"), ("s4", "2026-05", "100000.50"),
                               ("manager", "2027-01", "1")):
        r = t.gw.put(f"{INSIGHTS}/targets", headers=t.h("admin"),
                     json={"user_id": t.users[who], "month": month, "amount": amount})
        assert r.status_code == 200, r.text
        targets[(t.users[who], month)] = amount

    src = await _source_records(system, t.id)
    team_a = {str(u["id"]) for u in src["users"] if str(u["team_id"]) == t.teams["A"]}
    cases = [  # who asks, with which filters → whose figures
        ("admin", {}, None),
        ("admin", {"team_id": t.teams["A"]}, team_a),
        ("admin", {"user_id": t.users["s4"]}, {t.users["s4"]}),
        ("manager", {}, team_a | {t.users["manager"]}),
        ("s1", {}, {t.users["s1"]}),
        ("s1", {"user_id": t.users["s4"]}, set()),
    ]
    first = True
    for who, params, owners in cases:
        expected = _expected(src, owners, standard["id"], stage_ids, targets)
        if first:  # the read model catches up once; the other answers come from it as is
            until(lambda: t.gw.get(f"{INSIGHTS}/won", headers=t.h("admin"), params=WINDOW),
                  lambda a: True)
            answered: dict[str, Any] = {}
            for _ in range(300):
                answered = _answered(t, who, params)
                if answered == expected:
                    break
                await asyncio.sleep(0.2)
            first = False
        else:
            answered = _answered(t, who, params)
        for report in expected:
            assert answered[report] == expected[report], (who, params, report)
        # Windows with part of a month (its days added, or the month less its other days;
        # reports.repository.span) give the same figures as whole months.
        today = datetime.now(ZONE).date()
        for first_day, last_day in ((today, today), (today.replace(day=1), today)):
            part = _expected(src, owners, standard["id"], stage_ids, targets, first_day,
                             last_day)
            answered = _answered(t, who, params, {"from": first_day.isoformat(),
                                                  "to": last_day.isoformat()})
            for report in part:
                assert answered[report] == part[report], (who, params, report, first_day)
        if owners is None:  # the mix made something of everything
            assert sum(r[1] for r in expected["funnel"]) == 36
            assert all(sum(r[i] for r in expected["funnel"]) for i in (2, 3))
            assert expected["lost"] and expected["forecast"] and len(expected["won/team"]) == 3
            assert sum(r[1] for r in expected["pipeline"]) and len(expected["targets"]) > 3
    assert len(src["deals"]) > 24
