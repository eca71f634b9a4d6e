"""Activities benchmark: prints figures, asserts nothing.

    make bench-activities    # or: .venv/bin/python bench/activities.py [--reminders 10000]

Starts its own system (fresh databases, fresh RabbitMQ vhost, real uvicorn processes), then:
1. reminders: N reminders falling due within one minute (seeded with COPY into the
   schedule while the service runs; the worker wakes by NOTIFY). Lateness = when the worker
   fired a reminder (committed its event to the outbox) minus when it was due, and when a
   queue bound to `activity.reminder_due` received the event minus when it was due;
2. calendar: one user's month with N items (activities seeded with COPY, plus planned
   next contacts and yearly dates), `GET /api/v1/calendar` for that month called directly on
   the service (the gateway's overhead is bench/load.py's), concurrency 1: p50/p99; the
   full answer, then the month mode (`per_day=3`: each day's first 3 items and counts).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aio_pika
import asyncpg
import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

import procs  # noqa: E402
import pyspy  # noqa: E402
from load import with_system  # noqa: E402
from loadgen import percentile  # noqa: E402

from crmkit.context import sign_context  # noqa: E402
from crmkit.events import EXCHANGE  # noqa: E402
from crmkit.testing.system import System  # noqa: E402


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg", "postgresql")


def _ms(values: list[float]) -> str:
    return (f"p50 {percentile(values, 50) * 1000:8.1f} ms   p99 "
            f"{percentile(values, 99) * 1000:8.1f} ms   max {max(values) * 1000:8.1f} ms")


async def reminders(system: System, n: int) -> None:
    tenant, owner = uuid.uuid4(), uuid.uuid4()
    received: dict[str, float] = {}
    everything = asyncio.Event()
    arrivals: Counter[str] = Counter()
    conn = await aio_pika.connect(system.amqp_url)
    channel = await conn.channel()
    exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.TOPIC,
                                              durable=True)
    queue = await channel.declare_queue(exclusive=True, auto_delete=True)
    await queue.bind(exchange, "activity.reminder_due")

    async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        event = orjson.loads(message.body)
        key = f"{event['subject']}:{event['data']['minutes']}"
        arrivals[key] += 1
        received.setdefault(key, time.time())
        if len(received) >= n:
            everything.set()

    await queue.consume(on_message, no_ack=True)
    db = await asyncpg.connect(_dsn(system.db_url("activities", owner=True)))
    try:
        first = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=20)
        due = {uuid.uuid4(): first + timedelta(seconds=60 * i / n) for i in range(n)}
        await db.copy_records_to_table("activities", columns=[
            "tenant_id", "id", "kind", "subject", "owner_id", "due_at", "reminders",
            "created_by"], records=[(tenant, aid, "call", f"โทร {i}", owner,
                                     at + timedelta(minutes=5), [5], owner)
                                    for i, (aid, at) in enumerate(due.items())])
        # One statement: the schedule's NOTIFY wakes the worker once.
        await db.copy_records_to_table("activity_reminders", columns=[
            "tenant_id", "activity_id", "minutes", "fire_at"],
            records=[(tenant, aid, 5, at) for aid, at in due.items()])
        print(f"\n1. {n:,} reminders due between {first:%H:%M:%S} and "
              f"{first + timedelta(seconds=60):%H:%M:%S} UTC (one minute)", flush=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(everything.wait(), 300)
        rows = await db.fetch("SELECT activity_id, fire_at, fired_at FROM activity_reminders "
                              "WHERE tenant_id = $1 AND fired_at IS NOT NULL", tenant)
        late = await db.fetchval("SELECT count(*) FROM activity_reminders WHERE tenant_id = $1 "
                                 "AND late", tenant)
    finally:
        await db.close()
        await conn.close()
    fired = [(r["fired_at"] - r["fire_at"]).total_seconds() for r in rows]
    heard = [received[f"{aid}:5"] - at.timestamp() for aid, at in due.items()
             if f"{aid}:5" in received]
    print(f"  fired (committed with its event)  {len(fired):>6,}   {_ms(fired)}")
    print(f"  received from the broker          {len(heard):>6,}   {_ms(heard)}")
    twice = sum(1 for count in arrivals.values() if count > 1)
    print(f"  marked late: {late}; never received: {n - len(heard)}; received more than "
          f"once: {twice} (the first arrival counts)")


async def calendar(system: System, n: int, samples: int, profile: bool = False) -> None:
    tenant, user = uuid.uuid4(), uuid.uuid4()
    month = date(2027, 3, 1)
    start = datetime(2027, 3, 1, tzinfo=UTC) - timedelta(hours=7)  # Bangkok midnight
    db = await asyncpg.connect(_dsn(system.db_url("activities", owner=True)))
    try:
        await db.execute("INSERT INTO users (tenant_id, id, email, name, role) VALUES "
                         "($1, $2, 'bench@example.co.th', 'ผู้ทดสอบ', 'sales')", tenant, user)
        kinds = ["task", "call", "email"]
        step = timedelta(days=31) / n
        await db.copy_records_to_table("activities", columns=[
            "tenant_id", "id", "kind", "subject", "owner_id", "due_at", "created_by"],
            records=[(tenant, uuid.uuid4(), kinds[i % 3], f"ติดตามลูกค้ารายที่ {i}", user,
                      start + step * i, user) for i in range(n)])
        # Other users' activities in the same month: the calendar must skip them.
        await db.copy_records_to_table("activities", columns=[
            "tenant_id", "id", "kind", "subject", "owner_id", "due_at", "created_by"],
            records=[(tenant, uuid.uuid4(), "task", f"งานคนอื่น {i}", uuid.uuid4(),
                      start + step * i, user) for i in range(n)])
        await db.execute("ANALYZE activities")
    finally:
        await db.close()

    def headers() -> dict[str, str]:
        return {"X-Tidtam-Context": sign_context(
            system.context_secret, tenant_id=tenant, user_id=user, role="sales", team_id=None,
            lead_visibility="all", account_visibility="all", team_member_ids=[], settings={})}

    print(f"\n2. a month's calendar, {n:,} items for the user (and {n:,} of someone else's), "
          "concurrency 1")
    owner = system.db_url("activities", owner=True)
    service = system.activities
    assert service is not None and service.proc is not None  # started above
    pid = service.proc.pid
    for per_day in (None, 3):  # the full answer, and the month mode
        params: dict[str, str | int] = {"from": month.isoformat(), "to": "2027-03-31"}
        if per_day is not None:
            params["per_day"] = per_day
        times: list[float] = []
        recorder = None
        cpu: list[float] = []
        async with httpx.AsyncClient(base_url=service.url, timeout=60) as api:
            for i in range(samples + 5):
                if i == 5:  # CPU (load-independent, unlike latency) after the warm-up
                    seen = await procs.backends(owner, system.dbs["activities"])
                    cpu = [procs.cpu_seconds(pid), sum(procs.cpu_seconds(b) for b in seen)]
                if profile and i == 5:
                    raw = Path(tempfile.mkdtemp(prefix="tidtam-profile-")) / "activities.txt"
                    recorder = pyspy.record(pid, 600, raw)
                    await asyncio.sleep(1)  # py-spy attaching
                t0 = time.perf_counter()
                r = await api.get("/api/v1/calendar", headers=headers(), params=params)
                elapsed = time.perf_counter() - t0
                body = r.json() if r.status_code == 200 else {}
                total = (sum(d["total"] for d in body.get("days", [])) if per_day
                         else len(body.get("items", [])))
                if r.status_code != 200 or total != n:
                    raise SystemExit(f"calendar answered {r.status_code}: {r.text[:300]}")
                if i >= 5:  # warm-up
                    times.append(elapsed)
            size = len(r.content)
        seen = sorted(set(seen) | set(await procs.backends(owner, system.dbs["activities"])))
        cpu = [(procs.cpu_seconds(pid) - cpu[0]) * 1000 / samples,
               (sum(procs.cpu_seconds(b) for b in seen) - cpu[1]) * 1000 / samples]
        if recorder is not None:
            recorder.send_signal(signal.SIGINT)  # py-spy writes what it has on SIGINT
            recorder.wait()
            print("\n  py-spy, the activities service during the calls:")
            print("\n".join(pyspy.summarise(raw, 15)))
        what = "GET /api/v1/calendar" + (f"?per_day={per_day}" if per_day else "")
        print(f"  {what} ({size / 1e6:.2f} MB)  {len(times):>4}   {_ms(times)}")
        print(f"    CPU per call: the service {cpu[0]:.1f} ms, its database backends "
              f"{cpu[1]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--profile", action="store_true",
                        help="py-spy the activities service during the calendar calls")
    args = parser.parse_args()
    print(f"Tidtam activities benchmark — {os.cpu_count()} cores, one uvicorn worker")

    def body(system: System) -> None:
        if args.reminders:  # --reminders 0: the calendar only
            asyncio.run(reminders(system, args.reminders))
        asyncio.run(calendar(system, args.items, args.samples, args.profile))

    with_system(body)


if __name__ == "__main__":
    main()
