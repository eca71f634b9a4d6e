"""Nothing lost, nothing applied twice: SIGKILLed relays and a RabbitMQ restart."""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import sys
import uuid
from collections import Counter
from pathlib import Path

import aio_pika
import pytest
import sqlalchemy as sa
from kithelpers import (
    consumed,
    eventually,
    stage_committed,
    unique,
    unsent,
    widget_consumer,
    widget_event,
)

from crmkit.context import tenant_from_event
from crmkit.db import tenant_session
from crmkit.events import EXCHANGE
from crmkit.outbox import OutboxRelay, stage

pytestmark = [pytest.mark.integration, pytest.mark.slow]

HARNESS = Path(__file__).parent / "relay_harness.py"
ITERATIONS = 16
PER_ITERATION = 12
BATCH = 5
# While batches come back full the relay claims up to five times `batch` (OutboxRelay's
# default max_batch_size): a crash after publish republishes at most one such batch.
MAX_BATCH = 5 * BATCH


class RelayForkServer:
    """relay_harness.py --serve: imports once, forks one real relay process per run."""

    def __init__(self, kitdb, amqp_url: str):
        self.args = [str(HARNESS), "--serve", "--db", kitdb.relay_url, "--amqp", amqp_url,
                     "--batch", str(BATCH)]
        self.proc = None

    async def __aenter__(self) -> RelayForkServer:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TIDTAM_FAILPOINTS")}
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, *self.args, env=env, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE)
        assert json.loads(await asyncio.wait_for(self.proc.stdout.readline(), 60))["ready"]
        return self

    async def run(self, failpoints: str = "", seed: str = "") -> tuple[int, str]:
        job = {"failpoints": failpoints, "seed": seed}
        self.proc.stdin.write(json.dumps(job).encode() + b"\n")
        await self.proc.stdin.drain()
        line = await asyncio.wait_for(self.proc.stdout.readline(), 60)
        assert line, "the fork server died"
        reply = json.loads(line)
        return reply["rc"], reply["stderr"]

    async def __aexit__(self, *exc) -> None:
        self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


async def test_sigkilled_relay_loses_nothing_and_consumers_apply_once(
        kitdb, app_maker, owner_engine, relay_engine, brokers, amqp_url):
    kind = unique("wkill")
    created = f"{kind}.created"
    consumer = widget_consumer(app_maker, kind)
    await brokers(consumers=[consumer])
    # Every delivery the exchange routes, duplicates included, lands here.
    conn = await aio_pika.connect(amqp_url)
    channel = await conn.channel()
    capture = await channel.declare_queue(exclusive=True, auto_delete=True)
    await capture.bind(await channel.get_exchange(EXCHANGE), f"{kind}.#")
    seen: list[str] = []

    async def record(message) -> None:
        seen.append(message.message_id)

    await capture.consume(record, no_ack=True)

    rng = random.Random(20240611)
    committed, rolled_back = [], []
    kills: Counter[str] = Counter()
    try:
        async with RelayForkServer(kitdb, amqp_url) as relays:
            for i in range(ITERATIONS):
                tenant = uuid.uuid4()
                batch = [widget_event(tenant, f"i{i}n{n}", type_=created)
                         for n in range(PER_ITERATION)]
                await stage_committed(app_maker, batch)
                committed += batch
                ghost = widget_event(tenant, f"ghost{i}", type_=created)
                async with tenant_session(app_maker, tenant_from_event(str(tenant))) as s:
                    await stage(s, ghost)
                    await s.rollback()
                rolled_back.append(ghost)
                point = ("relay.before_publish", "relay.after_publish")[i % 2]
                rc, err = await relays.run(f"{point}=0.35", str(rng.random()))
                if rc == -9:
                    assert f"FAILPOINT {point}" in err
                    kills[point] += 1
                else:
                    assert rc == 0, err[-2000:]
            rc, err = await relays.run()  # no failpoints: drain what is left
            assert rc == 0, err[-2000:]
        assert await unsent(relay_engine) == 0
        ids = {e.id for e in committed}

        async def all_applied() -> bool:
            async with owner_engine.connect() as c:
                n = (await c.execute(sa.text(
                    "SELECT count(DISTINCT event_id) FROM widgets"))).scalar_one()
            return n == len(ids) and ids <= set(seen)

        await eventually(all_applied, 30, "every committed event to be applied")
    finally:
        await conn.close()

    # Enough crashes of each kind for the test to mean something (seeded: deterministic).
    assert kills["relay.before_publish"] >= 3, kills
    assert kills["relay.after_publish"] >= 3, kills
    counts = Counter(seen)
    assert not {e.id for e in rolled_back} & set(counts), "a rolled-back event was published"
    assert set(counts) == ids, "every committed event arrived"
    extra = sum(counts.values()) - len(ids)
    print(f"{len(ids)} events, kills {dict(kills)}, republished {extra}")
    # Only a crash after publish and before mark-sent republishes, at most one batch each;
    # and each such crash did republish at least one event.
    assert kills["relay.after_publish"] <= extra <= kills["relay.after_publish"] * MAX_BATCH
    async with owner_engine.connect() as c:
        per_event = (await c.execute(sa.text(
            "SELECT max(n), count(*) FROM (SELECT count(*) n FROM widgets GROUP BY event_id) x"
        ))).one()
        processed = (await c.execute(sa.text(
            "SELECT count(*) FROM processed_events WHERE consumer = :c"),
            {"c": consumer.name})).scalar_one()
    assert tuple(per_event) == (1, len(ids)), "each event applied exactly once"
    assert processed == len(ids)
    await eventually(lambda: consumed(consumer, created, "duplicate") == extra, 10,
                     "the consumer to skip every duplicate")


def _local_broker(test_servers) -> bool:
    return (not test_servers[2] and shutil.which("rabbitmqctl") is not None
            and ("127.0.0.1" in test_servers[1] or "localhost" in test_servers[1]))


async def rabbitmqctl(*args: str, timeout: float = 90) -> None:
    proc = await asyncio.create_subprocess_exec(
        "rabbitmqctl", *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), timeout)
    assert proc.returncode == 0, f"rabbitmqctl {' '.join(args)}: {out.decode()[-1000:]}"


async def test_broker_restart_consumers_come_back_and_backlog_drains(
        test_servers, app_maker, relay_maker, owner_engine, relay_engine, brokers):
    if not _local_broker(test_servers):
        pytest.skip("needs the local RabbitMQ node and rabbitmqctl to restart it")
    kind = unique("wrestart")
    created = f"{kind}.created"
    consumer = widget_consumer(app_maker, kind)
    broker = await brokers(consumers=[consumer], backoff_min=0.2, backoff_max=1.0)
    relay = OutboxRelay("kit", relay_maker, broker, sweep_seconds=0.5, backoff_min=0.1,
                        backoff_max=1.0, publish_timeout=2.0)
    await relay.start()

    async def applied(n: int) -> bool:
        async with owner_engine.connect() as c:
            return (await c.execute(sa.text("SELECT count(*) FROM widgets"))).scalar_one() == n

    tenant = uuid.uuid4()
    try:
        before = [widget_event(tenant, f"before{i}", type_=created) for i in range(10)]
        await stage_committed(app_maker, before)
        await eventually(lambda: applied(10), 15, "events before the restart")
        sessions = broker.connects
        try:
            await rabbitmqctl("stop_app")
            await eventually(lambda: not broker.connected, 15, "the broker to notice")
            during = [widget_event(tenant, f"during{i}", type_=created) for i in range(20)]
            await stage_committed(app_maker, during)
            # The relay cannot publish now: the rows wait in the outbox.
            assert await unsent(relay_engine) == 20
        finally:
            await rabbitmqctl("start_app")
            await rabbitmqctl("await_startup")
        await eventually(lambda: broker.connected, 30, "the broker to reconnect")
        assert broker.connects == sessions + 1
        # Published after the restart and consumed by the re-attached consumer.
        await eventually(lambda: applied(30), 30, "the backlog to drain through the consumer")
        await eventually(lambda: relay.idle.is_set(), 10, "the relay to be idle")
        assert await unsent(relay_engine) == 0
        async with owner_engine.connect() as c:
            per_event = (await c.execute(sa.text(
                "SELECT max(n) FROM (SELECT count(*) n FROM widgets GROUP BY event_id) x"
            ))).scalar_one()
        assert per_event == 1
    finally:
        await relay.stop()
