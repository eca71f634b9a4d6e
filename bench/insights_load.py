"""Insights benchmark: prints figures, asserts nothing.

    make bench-insights    # or: .venv/bin/python bench/insights_load.py [--leads 1000000]

Starts its own system (fresh databases and RabbitMQ vhost; the leads and insights services
and the gateway), makes a tenant with 50 sales users in 5 teams through the gateway, then:
1. seeds the insights read model DIRECTLY (not through events): 1,000,000 leads and 200,000
   deals (and 200,000 activities) in that one tenant with INSERT … SELECT over
   generate_series, two years of them, the counters (the leads' by day and month, the
   deals' open by stage and by month, closed by day and month; the activities' by day and
   month) made from the facts by
   GROUP BY, as the consumer keeps them change by change; targets for every user and
   month; VACUUM ANALYZE;
2. calls each report (its default window: the last 12 months) through the gateway at
   concurrency 8 for `--seconds`, as the admin (every figure of the tenant), and the funnel
   and won reports as a team's manager and as one sales user: p50/p99;
3. lag: typed events (libs/contracts: 3 `lead.created` to 1 `deal.created`, CloudEvents
   with the record's version as `sequence`) published straight onto the exchange at
   `--rate` a second (open loop, publisher confirms), as the leads service's relay does
   after each commit, for `--lag-seconds`: the insights consumer alone is measured, not the
   leads service's pace; each event's lag is when the insights consumer recorded it
   (`processed_events.processed_at`, its transaction's start) minus when it was published:
   p50/p99/max, and the consumer's CPU per event.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import procs  # noqa: E402
import pyspy  # noqa: E402
from load import with_system  # noqa: E402
from loadgen import percentile  # noqa: E402

from crmkit.events import CONTENT_TYPE, EXCHANGE, CloudEvent, make_event  # noqa: E402
from crmkit.testing.system import System  # noqa: E402
from tidtam_contracts import EventData  # noqa: E402
from tidtam_contracts.deals import DealCreatedV1  # noqa: E402
from tidtam_contracts.leads import LeadCreatedV2  # noqa: E402
from tidtam_insights.facts.repository import ROLLUPS  # noqa: E402

PASSWORD = "bench-password-1"
REPORTS = ["funnel", "pipeline", "forecast", "won", "lost", "sources", "activities", "targets"]
SOURCES = ["website", "facebook", "line", "email", "phone", "walk_in", "referral", "other"]


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg", "postgresql")


def _ms(values: list[float]) -> str:
    return (f"p50 {percentile(values, 50) * 1000:7.1f} ms   p99 "
            f"{percentile(values, 99) * 1000:7.1f} ms   max {max(values) * 1000:7.1f} ms")


def _login(gw: httpx.Client, email: str) -> dict[str, str]:
    r = gw.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def people(system: System) -> dict:
    """The tenant, its admin, 5 teams of 10 sales users with a manager each."""
    assert system.gateway is not None
    gw = httpx.Client(base_url=system.gateway.url, timeout=60)
    email = f"admin-{uuid.uuid4().hex[:6]}@bench.example"
    r = gw.post("/api/v1/tenants", headers={"Authorization": f"Bearer {system.operator_token}"},
                json={"name": "บริษัท เบนช์ จำกัด", "admin": {"email": email, "name": "แอดมิน",
                                                             "password": PASSWORD}})
    r.raise_for_status()
    tenant, admin = r.json()["id"], _login(gw, email)
    sales, managers, teams = [], [], []
    for t in range(5):
        team = gw.post("/api/v1/teams", headers=admin, json={"name": f"ทีม {t + 1}"}).json()["id"]
        teams.append(team)
        for i in range(11):
            role = "manager" if i == 0 else "sales"
            mail = f"{role}{t}-{i}-{uuid.uuid4().hex[:4]}@bench.example"
            r = gw.post("/api/v1/users", headers=admin, json={
                "email": mail, "name": f"{role} {t}-{i}", "password": PASSWORD, "role": role,
                "team_id": team})
            r.raise_for_status()
            (managers if role == "manager" else sales).append((r.json()["id"], mail))
    return {"tenant": tenant, "admin": admin, "teams": teams, "sales": sales,
            "managers": managers, "manager_token": _login(gw, managers[0][1]),
            "sales_token": _login(gw, sales[0][1])}


async def seed(system: System, who: dict, leads: int, deals: int) -> None:
    db = await asyncpg.connect(_dsn(system.db_url("insights", owner=True)))
    tenant = uuid.UUID(who["tenant"])
    owners = [uuid.UUID(u) for u, _ in who["sales"]]
    stages = [uuid.uuid5(tenant, f"stage:standard:{i}") for i in range(5)]
    pipeline = uuid.uuid5(tenant, "pipeline:standard")
    try:
        t0 = time.perf_counter()
        await db.execute("""
            INSERT INTO lead_facts (tenant_id, id, owner_id, source, created_at, created_day,
                                    qualified, converted, version)
            SELECT $1, gen_random_uuid(), ($2::uuid[])[1 + i % array_length($2, 1)],
                   ($3::text[])[1 + (i / 7) % array_length($3, 1)], at,
                   (at AT TIME ZONE 'Asia/Bangkok')::date, r < 0.3, r < 0.1, 1
            FROM (SELECT i, now() - (random() * interval '730 days') AS at, random() AS r
                  FROM generate_series(1, $4) i) g""", tenant, owners, SOURCES, leads)
        await db.execute("""
            INSERT INTO lead_daily (tenant_id, day, owner_id, source, created, qualified,
                                    converted)
            SELECT tenant_id, created_day, owner_id, source, count(*),
                   count(*) FILTER (WHERE qualified), count(*) FILTER (WHERE converted)
            FROM lead_facts WHERE tenant_id = $1 GROUP BY 1, 2, 3, 4""", tenant)
        await db.execute("""
            INSERT INTO lead_monthly (tenant_id, month, owner_id, source, created, qualified,
                                      converted)
            SELECT tenant_id, date_trunc('month', day)::date, owner_id, source, sum(created),
                   sum(qualified), sum(converted)
            FROM lead_daily WHERE tenant_id = $1 GROUP BY 1, 2, 3, 4""", tenant)
        t1 = time.perf_counter()
        await db.execute("""
            INSERT INTO deal_facts (tenant_id, id, owner_id, pipeline_id, stage_id, amount,
                                    probability, expected_close, status, lost_reason,
                                    closed_on, created_at, created_day, source, version)
            SELECT $1, gen_random_uuid(), ($2::uuid[])[1 + i % array_length($2, 1)], $3,
                   ($4::uuid[])[1 + i % 5], round((random() * 500000)::numeric, 2),
                   (random() * 100)::int,
                   CASE WHEN status = 'open' THEN current_date + (random() * 365)::int END,
                   status, CASE WHEN status = 'lost' THEN 'เหตุผล ' || (i % 6) END,
                   CASE WHEN status <> 'open' THEN (at AT TIME ZONE 'Asia/Bangkok')::date
                        + (random() * 60)::int END,
                   at, (at AT TIME ZONE 'Asia/Bangkok')::date,
                   ($5::text[])[1 + (i / 3) % 8], 1
            FROM (SELECT i, now() - (random() * interval '730 days') AS at,
                         CASE WHEN r < 0.4 THEN 'open' WHEN r < 0.75 THEN 'won'
                              ELSE 'lost' END AS status
                  FROM (SELECT i, random() AS r FROM generate_series(1, $6) i) s) g""",
                         tenant, owners, pipeline, stages, SOURCES, deals)
        # The deals' counters from the facts, as the consumer keeps them change by change.
        await db.execute("""
            INSERT INTO deal_open_stage (tenant_id, pipeline_id, stage_id, owner_id, source,
                                         deals, amount, weighted)
            SELECT tenant_id, pipeline_id, stage_id, owner_id, coalesce(source, ''), count(*),
                   coalesce(sum(amount), 0),
                   coalesce(sum(amount * coalesce(probability, 0) / 100), 0)
            FROM deal_facts WHERE tenant_id = $1 AND status = 'open'
            GROUP BY 1, 2, 3, 4, 5""", tenant)
        await db.execute("""
            INSERT INTO deal_open_month (tenant_id, month, pipeline_id, owner_id, source,
                                         deals, amount, weighted)
            SELECT tenant_id, date_trunc('month', expected_close)::date, pipeline_id,
                   owner_id, coalesce(source, ''), count(*), coalesce(sum(amount), 0),
                   coalesce(sum(amount * coalesce(probability, 0) / 100), 0)
            FROM deal_facts WHERE tenant_id = $1 AND status = 'open'
                              AND expected_close IS NOT NULL
            GROUP BY 1, 2, 3, 4, 5""", tenant)
        for table, day in (("deal_closed_daily (tenant_id, day", "closed_on"),
                           ("deal_closed_monthly (tenant_id, month",
                            "date_trunc('month', closed_on)::date")):
            await db.execute(f"""
                INSERT INTO {table}, pipeline_id, owner_id, source, status, reason, deals,
                                     amount, weighted, days)
                SELECT tenant_id, {day}, pipeline_id, owner_id, coalesce(source, ''), status,
                       coalesce(lost_reason, ''), count(*), coalesce(sum(amount), 0),
                       coalesce(sum(amount * coalesce(probability, 0) / 100), 0),
                       coalesce(sum(closed_on - created_day)
                                FILTER (WHERE status = 'won'), 0)
                FROM deal_facts WHERE tenant_id = $1 AND status <> 'open'
                GROUP BY 1, 2, 3, 4, 5, 6, 7""", tenant)
        await db.execute("""
            INSERT INTO activity_facts (tenant_id, id, owner_id, kind, status, created_at,
                                        created_day, version)
            SELECT $1, gen_random_uuid(), ($2::uuid[])[1 + i % array_length($2, 1)],
                   (ARRAY['task', 'meeting', 'call', 'email', 'checkin'])[1 + i % 5], 'done',
                   at, (at AT TIME ZONE 'Asia/Bangkok')::date, 1
            FROM (SELECT i, now() - (random() * interval '730 days') AS at
                  FROM generate_series(1, $3) i) g""", tenant, owners, deals)
        for table, day in (("activity_daily (tenant_id, day", "created_day"),
                           ("activity_monthly (tenant_id, month",
                            "date_trunc('month', created_day)::date")):
            await db.execute(f"""
                INSERT INTO {table}, owner_id, kind, n)
                SELECT tenant_id, {day}, owner_id, kind, count(*) FROM activity_facts
                WHERE tenant_id = $1 AND status <> 'cancelled' GROUP BY 1, 2, 3, 4""", tenant)
        for rollup in ROLLUPS.values():  # the coarser counters (migration 0003)
            await db.execute(rollup.replace(":t", "$1"), tenant)
        await db.execute("""
            INSERT INTO targets (tenant_id, user_id, month, amount)
            SELECT $1, u, to_char(date_trunc('month', now()) - m * interval '1 month',
                                  'YYYY-MM'), 500000
            FROM unnest($2::uuid[]) u, generate_series(0, 11) m""", tenant, owners)
        for table in ("lead_facts", "lead_daily", "lead_monthly", "deal_facts",
                      "deal_open_stage", "deal_open_month", "deal_closed_daily",
                      "deal_closed_monthly", *ROLLUPS, "activity_facts", "activity_daily",
                      "activity_monthly", "targets"):
            await db.execute(f"VACUUM ANALYZE {table}")
        t2 = time.perf_counter()
        counters = await db.fetchval("SELECT count(*) FROM lead_daily WHERE tenant_id = $1",
                                     tenant)
    finally:
        await db.close()
    print(f"\n1. seeded the read model directly: {leads:,} leads ({counters:,} daily counter "
          f"rows) in {t1 - t0:.1f} s; {deals:,} deals, {deals:,} activities, targets and "
          f"ANALYZE in {t2 - t1:.1f} s")


async def reports(system: System, who: dict, seconds: float, concurrency: int,
                  profile: bool = False, only: str = "") -> None:
    assert system.gateway is not None and system.insights is not None
    print(f"\n2. each report through the gateway, concurrency {concurrency}, {seconds:.0f} s "
          "each (default window: the last 12 months); CPU per call of the gateway, the "
          "insights service and its database backends (ms)")
    gateway, insights = system.gateway.proc.pid, system.insights.proc.pid
    owner = system.db_url("insights", owner=True)
    seen = await procs.backends(owner, system.dbs["insights"])
    lines = [(r, "admin", who["admin"], {}) for r in REPORTS]
    lines += [("won", "admin", who["admin"], {"group_by": "team"}),
              ("won", "admin", who["admin"], {"group_by": "month"}),
              ("funnel", "manager", who["manager_token"], {}),
              ("won", "manager", who["manager_token"], {}),
              ("funnel", "sales", who["sales_token"], {}),
              ("won", "sales", who["sales_token"], {})]
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=system.gateway.url, limits=limits,
                                 timeout=60) as api:
        for report, role, headers, params in lines:
            if only and not any(report.startswith(o) for o in only.split(",")):
                continue
            path = f"/api/v1/insights/{report}"
            for _ in range(3):  # warm-up
                await api.get(path, headers=headers, params=params)
            seen = sorted(set(seen) | set(await procs.backends(owner, system.dbs["insights"])))

            def cpu(seen: list[int] = seen) -> tuple[float, float, float]:
                return (procs.cpu_seconds(gateway), procs.cpu_seconds(insights, relay=False),
                        sum(procs.cpu_seconds(b) for b in seen))

            what = f"{report}" + "".join(f" {k}={v}" for k, v in params.items())
            recorder = None
            if profile:
                raw = Path(tempfile.mkdtemp(prefix="tidtam-insights-")) / "insights.txt"
                recorder = pyspy.record(insights, seconds, raw)
            before = cpu()
            times, failures = await _hammer(api, path, headers, params, seconds, concurrency)
            spent = [1000 * (b - a) / max(len(times), 1)
                     for a, b in zip(before, cpu(), strict=True)]
            print(f"  {what:<22} as {role:<7} {len(times):>6} calls  {_ms(times)}  CPU "
                  f"gw {spent[0]:4.1f} insights {spent[1]:4.1f} db {spent[2]:4.1f}"
                  + (f"  FAILED {failures}" if failures else ""))
            if recorder is not None:
                recorder.wait()
                for text in pyspy.summarise(raw, 12):
                    print("      " + text)


async def _hammer(api: httpx.AsyncClient, path: str, headers: dict, params: dict,
                  seconds: float, concurrency: int) -> tuple[list[float], int]:
    """`concurrency` callers of GET `path`, each calling again as soon as answered."""
    times: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal failures
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            r = await api.get(path, headers=headers, params=params)
            times.append(time.perf_counter() - t0)
            failures += r.status_code != 200

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return times, failures


def lag_events(tenant: uuid.UUID, sellers: list[uuid.UUID], n: int) -> list[CloudEvent]:
    """`n` events as the leads service publishes them after a commit: 3 of 4 a
    `lead.created`, 1 of 4 a `deal.created` (typed contracts, CloudEvents envelopes with the
    record's version as `sequence`), each on one seller's new record."""
    pipeline = uuid.uuid5(tenant, "pipeline:standard")
    stage = uuid.uuid5(tenant, "stage:standard:0")
    out = []
    for i in range(n):
        record, owner, now = uuid.uuid4(), sellers[i % len(sellers)], datetime.now(UTC)
        data: EventData
        if i % 4 == 3:
            data = DealCreatedV1.model_validate({
                "id": record, "name": f"ดีล {i}", "account_id": uuid.uuid4(),
                "contact_id": None, "owner_id": owner, "pipeline_id": pipeline,
                "stage_id": stage, "amount": "1000.00", "expected_close": None,
                "probability": 10, "status": "open", "lost_reason": None, "closed_on": None,
                "lead_id": None, "version": 1, "created_at": now, "updated_at": now,
                "by_user_id": owner})
        else:
            data = LeadCreatedV2.model_validate({
                "id": record, "name": f"ลูกค้า {i}", "phone": "+66812345678",
                "email": f"lag{i}@example.co.th", "company": None, "note": None,
                "source": SOURCES[i % 8], "owner_id": owner, "box": "inbox", "reason": None,
                "sent_by": [], "pipeline_id": pipeline, "stage_id": stage,
                "potential": None, "custom": {}, "account_id": None, "contact_id": None,
                "conversion_status": None, "version": 1, "created_at": now,
                "updated_at": now, "by_user_id": owner})
        out.append(make_event(service="leads", data=data, tenant_id=tenant,
                              subject=str(record), sequence=1))
    return out


async def lag(system: System, who: dict, rate: float, seconds: float) -> None:
    """Typed events published straight onto the exchange at `rate` (open loop, publisher
    confirms), as the leads service's relay does after each commit: the consumer alone is
    measured, not the leads service's pace."""
    assert system.insights is not None
    tenant = uuid.UUID(who["tenant"])
    events = lag_events(tenant, [uuid.UUID(u) for u, _ in who["sales"]], int(rate * seconds))
    insights = await asyncpg.connect(_dsn(system.db_url("insights", owner=True)))
    owner = system.db_url("insights", owner=True)
    service = system.insights.proc.pid
    seen = await procs.backends(owner, system.dbs["insights"])
    cpu_before = procs.cpu_seconds(service, relay=False), sum(map(procs.cpu_seconds, seen))
    connection = await aio_pika.connect(system.amqp_url)
    stamped: dict[uuid.UUID, float] = {}
    late = 0
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.TOPIC,
                                                  durable=True)

        async def publish(event: CloudEvent) -> None:
            event.time = datetime.now(UTC).isoformat()
            stamped[uuid.UUID(event.id)] = time.time()
            await exchange.publish(aio_pika.Message(
                event.to_bytes(), content_type=CONTENT_TYPE, message_id=event.id,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT, type=event.type),
                routing_key=event.type, mandatory=True)

        t0 = time.perf_counter()
        tasks = []
        for i, event in enumerate(events):  # open loop: each leaves on time, confirmed or not
            delay = t0 + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                late += delay < -0.05
            tasks.append(asyncio.create_task(publish(event)))
        await asyncio.gather(*tasks)
        sent = time.perf_counter() - t0
    finally:
        await connection.close()
    ids = list(stamped)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = await insights.fetchval("SELECT count(*) FROM processed_events WHERE "
                                       "event_id = ANY($1::uuid[])", ids)
        if done >= len(ids):
            break
        await asyncio.sleep(0.2)
    seen = sorted(set(seen) | set(await procs.backends(owner, system.dbs["insights"])))
    cpu_after = procs.cpu_seconds(service, relay=False), sum(map(procs.cpu_seconds, seen))
    applied = {r["event_id"]: r["processed_at"] for r in await insights.fetch(
        "SELECT event_id, processed_at FROM processed_events WHERE event_id = ANY($1::uuid[])",
        ids)}
    await insights.close()
    lags = [applied[i].timestamp() - at for i, at in stamped.items() if i in applied]
    print(f"\n3. lag behind commits: {len(events):,} typed events (3 lead.created : 1 "
          f"deal.created) published at {rate:.0f}/s asked, {len(events) / sent:.0f}/s "
          f"offered (sent in {sent:.1f} s, {late} over 50 ms late), {len(lags):,} applied")
    if lags:
        print(f"  published → applied by insights         {_ms(lags)}")
        per = [1000 * (b - a) / len(lags) for a, b in zip(cpu_before, cpu_after, strict=True)]
        print(f"  CPU per event applied (the whole service, its API idle): insights "
              f"{per[0]:.2f} ms, its database backends {per[1]:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--deals", type=int, default=200_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="per report line")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rate", type=float, default=200.0, help="events per second")
    parser.add_argument("--lag-seconds", type=float, default=30.0)
    parser.add_argument("--lag-only", action="store_true", help="line 3 alone (no seeding)")
    parser.add_argument("--explain", action="store_true",
                        help="EXPLAIN ANALYZE the deal reports after seeding, then stop")
    parser.add_argument("--only", default="", help="report lines whose name starts so")
    parser.add_argument("--profile", action="store_true",
                        help="py-spy the insights service during each report line and the lag")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    print(f"Tidtam insights benchmark — {os.cpu_count()} cores, one uvicorn worker each; "
          f"load average before: {open('/proc/loadavg').read().split()[:3]}")

    def start(system: System) -> None:
        system.only = ("leads", "insights")
        system.start(ready_timeout=180)

    def body(system: System) -> None:
        who = people(system)
        if not args.lag_only:
            asyncio.run(seed(system, who, args.leads, args.deals))
            if args.explain:
                asyncio.run(explain(system, who))
                return
            asyncio.run(reports(system, who, args.seconds, args.concurrency, args.profile,
                                args.only))
        asyncio.run(lag(system, who, args.rate, args.lag_seconds))
        print(f"\nload average after: {open('/proc/loadavg').read().split()[:3]}")

    with_system(body, start=start)



async def explain(system: System, who: dict[str, Any]) -> None:
    """EXPLAIN ANALYZE of each deal report's statements over the seeded read model, as the
    admin, as the first team's manager (its 10 sales users and the manager) and as one
    sales user (the owner's connection: RLS aside, the same plans)."""
    import sqlalchemy as sa
    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

    from crmkit.context import tenant_from_event
    from tidtam_insights.reports import repository
    from tidtam_insights.reports.schemas import Window

    engine = create_async_engine(system.db_url("insights", owner=True))
    plain, tuples = repository._all, repository._tuples

    async def explained(session: AsyncSession, sql: str, params: dict[str, Any]) -> object:
        plan = (await session.execute(sa.text("EXPLAIN (ANALYZE, BUFFERS) " + sql),
                                      params)).scalars().all()
        print("\n".join("      " + line for line in plan))
        # The service's statements are prepared (asyncpg): after five runs PostgreSQL may
        # keep a generic plan, made without the values; its times too.
        await session.execute(sa.text("SET plan_cache_mode = force_generic_plan"))
        plan = (await session.execute(sa.text("EXPLAIN (ANALYZE) " + sql),
                                      params)).scalars().all()
        await session.execute(sa.text("RESET plan_cache_mode"))
        print("      generic plan: " + "; ".join(line.strip() for line in plan
                                                 if line.startswith(("Planning", "Execution"))))
        return await plain(session, sql, params)

    async def explained_tuples(session: AsyncSession, sql: str, params: dict[str, Any]) -> object:
        await explained(session, sql, params)
        return await tuples(session, sql, params)

    repository._all = explained  # type: ignore[assignment]
    repository._tuples = explained_tuples  # type: ignore[assignment]
    tenant = tenant_from_event(who["tenant"])
    today = time.strftime("%Y-%m-%d")
    from datetime import date
    last = date.fromisoformat(today)
    first = date(last.year - (last.month < 12), (last.month % 12) + 1, 1)
    try:
        async with AsyncSession(engine) as session:
            team = frozenset(uuid.UUID(u) for u, _ in [*who["sales"][:10],
                                                       who["managers"][0]])
            for role, owners in (("admin", None), ("manager", team), ("sales", frozenset({
                    uuid.UUID(who["sales"][0][0])}))):
                for group_by in ("user", "month"):
                    w = Window(first=first, last=last, zone="Asia/Bangkok", owners=owners,
                               pipeline_id=None, source=None, group_by=group_by)
                    print(f"\n  won group_by={group_by} as {role}:")
                    await repository.closed(session, tenant, w)
                print(f"\n  lost as {role}:")
                await repository.lost(session, tenant, w)
                print(f"\n  forecast as {role}:")
                await repository.forecast(session, tenant, w)
                print(f"\n  targets as {role}:")
                await repository.targets(session, tenant, w, f"{first:%Y-%m}", f"{last:%Y-%m}")
    finally:
        repository._all = plain
        repository._tuples = tuples
        await engine.dispose()


if __name__ == "__main__":
    main()
