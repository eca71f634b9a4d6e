"""The outbox relay alone: CPU per event and events/s from a staged backlog to a queue.

    .venv/bin/python bench/relay.py --events 20000

Makes a fresh database (the kit's test migrations: outbox, processed_events, widgets), starts
a relay process of its own (`--child`: a Broker and the kit's OutboxRelay with its defaults,
on uvloop, as `python -m crmkit.relay` runs it), waits until it is connected and LISTENing,
then stages N events (lead-sized CloudEvents, `--aggregates` subjects) with `stage_many` in one
transaction. Timed from that commit until all N are on a queue of the bench's own (bound to
the events' type on `tidtam.events`, counted from its length: the bench consumes nothing), the
relay process's CPU read from /proc before and after. Prints events/s, the relay's CPU per
event and the load average. Then checks every event arrived once, in order per aggregate.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
import uuid
from contextlib import suppress
from pathlib import Path

import aio_pika
import asyncpg
import orjson
from procs import own_cpu_seconds
from sqlalchemy.engine import make_url

from crmkit import migrate
from crmkit.config import as_user
from crmkit.db import create_engine, sessionmaker
from crmkit.events import EXCHANGE, CloudEvent
from crmkit.outbox import stage_many

KITDB = Path(__file__).resolve().parents[1] / "tests" / "crmkit" / "kitdb"
APP_ROLE = os.environ.get("TIDTAM_APP_DB_ROLE", migrate.APP_ROLE)
RELAY_ROLE = os.environ.get("TIDTAM_RELAY_DB_ROLE", migrate.RELAY_ROLE)


def events(n: int, kind: str, aggregates: int) -> list[CloudEvent]:
    tenant = str(uuid.uuid4())
    subjects = [str(uuid.uuid4()) for _ in range(aggregates)]
    made = []
    for i in range(n):
        subject = subjects[i % aggregates]
        made.append(CloudEvent(
            source="/services/leads", type=kind, subject=subject, tenantid=tenant,
            dataversion="2", sequence=i // aggregates + 1, correlationid=str(uuid.uuid4()),
            data={"id": subject, "name": f"ลูกค้า {i}", "company": "บริษัท ตัวอย่าง จำกัด",
                  "email": f"lead{i}@example.co.th", "phone": "+66812345678",
                  "source": "import", "status": "new", "owner_id": str(uuid.uuid4()),
                  "labels": ["bench"], "value": 12500.5, "currency": "THB",
                  "custom": {"size": "10-50"}, "created_at": "2026-12-07T22:00:00.123456Z"}))
    return made


async def child(relay_url: str, amqp_url: str) -> None:
    from crmkit.messaging import Broker
    from crmkit.outbox import OutboxRelay
    from crmkit.runtime import relay_engine

    pool = relay_engine(relay_url)
    broker = Broker(amqp_url, "bench")
    await broker.start(wait=30)
    relay = OutboxRelay("bench", sessionmaker(pool), broker)
    await relay.start()
    while not relay.listening:  # noqa: ASYNC110 (a flag the relay sets, not an Event)
        await asyncio.sleep(0.05)
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await relay.stop()
    await broker.stop()
    await pool.dispose()


async def bench(args: argparse.Namespace) -> None:
    owner = make_url(args.db_url)
    db = f"tidtam_b_relay_{uuid.uuid4().hex[:8]}"
    owner_url = owner.set(database=db).render_as_string(hide_password=False)
    admin_dsn = owner.set(drivername="postgresql").render_as_string(hide_password=False)
    await asyncio.to_thread(migrate.setup, KITDB, owner_url, APP_ROLE, relay_role=RELAY_ROLE)
    kind = f"bench.relay.{uuid.uuid4().hex[:8]}"
    made = events(args.events, kind, args.aggregates)
    conn = await aio_pika.connect(args.amqp_url)
    proc = None
    try:
        channel = await conn.channel()
        exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.TOPIC,
                                                  durable=True)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(exchange, kind)
        proc = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--child", as_user(owner_url, RELAY_ROLE),
            "--amqp-url", args.amqp_url, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert proc.stdout is not None
        line = await proc.stdout.readline()
        assert line.strip() == b"ready", line
        engine = create_engine(as_user(owner_url, APP_ROLE), pool_size=1, max_overflow=0)
        try:
            async with sessionmaker(engine)() as s, s.begin():
                cpu0 = own_cpu_seconds(proc.pid)
                await stage_many(s, made)
            start = time.perf_counter()
            while True:
                got = (await channel.declare_queue(queue.name, passive=True)
                       ).declaration_result.message_count
                if got >= args.events:
                    break
                await asyncio.sleep(0.02)
            elapsed = time.perf_counter() - start
            cpu = own_cpu_seconds(proc.pid) - cpu0
        finally:
            await engine.dispose()
        load = (await asyncio.to_thread(Path("/proc/loadavg").read_text)).split()[:3]
        print(f"{args.events} events relayed in {elapsed:.2f} s = "
              f"{args.events / elapsed:,.0f} events/s; relay CPU {cpu:.2f} s = "
              f"{cpu * 1000 / args.events:.3f} ms per event "
              f"({cpu / args.events * 1e6 / 1000:.2f} s per 1,000); load {' '.join(load)}")
        # Every event once, in order per aggregate.
        seen: dict[str, int] = {}
        ids = set()
        for _ in range(args.events):
            msg = await queue.get(no_ack=True, timeout=10)
            body = orjson.loads(msg.body)
            assert body["type"] == kind and msg.message_id == body["id"]
            ids.add(body["id"])
            assert seen.get(body["subject"], 0) < body["sequence"], "out of order"
            seen[body["subject"]] = body["sequence"]
        extra = await queue.get(no_ack=True, fail=False, timeout=1)
        assert extra is None and ids == {e.id for e in made}
        print(f"checked: {len(ids)} distinct events, none twice, in order per aggregate")
    finally:
        if proc is not None:
            with suppress(Exception):
                assert proc.stdin is not None
                proc.stdin.close()
                await asyncio.wait_for(proc.wait(), 20)
        await conn.close()
        admin = await asyncpg.connect(admin_dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        finally:
            await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--aggregates", type=int, default=500)
    parser.add_argument("--db-url", default=os.environ.get(
        "TIDTAM_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--amqp-url", default=os.environ.get(
        "TIDTAM_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"))
    parser.add_argument("--child", metavar="RELAY_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import uvloop

        uvloop.run(child(args.child, args.amqp_url))
    else:
        asyncio.run(bench(args))


if __name__ == "__main__":
    main()
