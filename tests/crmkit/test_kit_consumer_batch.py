"""The consumer's batches (crmkit.consumer, `batch`): the deliveries waiting are handled in
one transaction, with the guarantees of one event at a time (order per aggregate, duplicates
skipped, a failing event retried on its own without losing the others, a stop leaves what
was not started), against the real RabbitMQ and PostgreSQL."""

from __future__ import annotations

import asyncio
import random
import uuid

import pytest
import sqlalchemy as sa
from kithelpers import consumed, eventually, queue_depth, unique, widget_contract, widgets_of
from test_kit_consumer_concurrency import consumer_of, event

from crmkit.consumer import Consumer, Delivery, on

pytestmark = pytest.mark.integration


async def test_waiting_deliveries_share_one_transaction(app_maker, owner_engine, brokers):
    """While the first event's handler is held, nine more arrive and wait; released, the
    nine are handled in one transaction (one txid), each applied once and acked."""
    kind = unique("wbat")
    gate = asyncio.Event()
    txids: dict[str, int] = {}
    first: list[str] = []

    async def on_created(session, delivery: Delivery) -> None:
        if not first:
            first.append(delivery.id)
            await gate.wait()
        txids[delivery.id] = (await session.execute(sa.text("SELECT txid_current()"))).scalar()
        await session.execute(
            sa.text("INSERT INTO widgets (tenant_id, event_id, name) VALUES (:t, :e, :n)"),
            {"t": delivery.tenant.value, "e": delivery.id, "n": delivery.data.name})

    consumer = Consumer(unique("kit.c"), [on(widget_contract(kind), on_created)], app_maker,
                        "kit", catalogue=None, concurrency=1, batch=16)
    broker = await brokers(consumers=[consumer])
    tenant = uuid.uuid4()
    events = [event(kind, tenant, f"s{i}", f"b{i}") for i in range(10)]
    for e in events:
        await broker.publish(e)
    await eventually(lambda: len(consumer._waiting) == 9, 20, "nine deliveries waiting")
    gate.set()
    await eventually(lambda: consumed(consumer, f"{kind}.created", "applied") == 10, 30,
                     "all ten applied")
    rest = {txids[e.id] for e in events if e.id != first[0]}
    assert len(rest) == 1, "the nine waiting were one transaction"
    assert txids[first[0]] not in rest
    for e in events:
        assert await widgets_of(owner_engine, e.id) == 1
    await eventually(lambda: _depth_is(broker.amqp_url, consumer.queue_name, 0), 20,
                     "every delivery acked")


async def test_batches_keep_each_aggregates_order(app_maker, brokers):
    kind = unique("wbord")
    seen: dict[tuple[str, str], list[int]] = {}
    overlap: list[tuple[str, str]] = []
    running: dict[tuple[str, str], int] = {}

    async def handle(delivery: Delivery) -> None:
        key = (delivery.envelope.tenantid, delivery.envelope.subject or "")
        running[key] = running.get(key, 0) + 1
        if running[key] > 1:
            overlap.append(key)
        await asyncio.sleep(random.uniform(0, 0.005))
        seen.setdefault(key, []).append(int(delivery.data.name))
        running[key] -= 1

    consumer = consumer_of(app_maker, kind, handle, concurrency=4, batch=8)
    broker = await brokers(consumers=[consumer])
    aggregates = [(uuid.uuid4(), s) for s in ("a", "b", "c", "d", "e")]
    n = 12
    for i in range(n):
        for tenant, subject in aggregates:
            await broker.publish(event(kind, tenant, subject, str(i)))
    await eventually(lambda: consumed(consumer, f"{kind}.created", "applied") == 5 * n, 60,
                     "every event handled")
    assert overlap == []
    assert seen == {(str(t), s): list(range(n)) for t, s in aggregates}


async def test_duplicates_in_batches_are_skipped(app_maker, owner_engine, brokers):
    kind = unique("wbdup")

    async def handle(delivery: Delivery) -> None:
        await asyncio.sleep(0)

    consumer = consumer_of(app_maker, kind, handle, concurrency=2, batch=8)
    broker = await brokers(consumers=[consumer])
    tenant = uuid.uuid4()
    events = [event(kind, tenant, f"s{i}", f"d{i}") for i in range(6)]
    for _ in range(3):
        for e in events:
            await broker.publish(e)
    t = f"{kind}.created"
    await eventually(lambda: consumed(consumer, t, "duplicate") == 12, 30, "twelve duplicates")
    assert consumed(consumer, t, "applied") == 6
    for e in events:
        assert await widgets_of(owner_engine, e.id) == 1


async def test_a_failing_event_rolls_back_its_batch_and_the_others_still_commit(
        app_maker, owner_engine, brokers):
    """One event of a batch fails: the batch is rolled back, the others are applied each on
    its own (once), the failing one is requeued and applied once it can be."""
    kind = unique("wbfail")
    gate = asyncio.Event()
    hold = asyncio.Event()
    failures: list[str] = []
    first: list[str] = []

    async def handle(delivery: Delivery) -> None:
        if not first:
            first.append(delivery.id)
            await hold.wait()
        if delivery.envelope.subject == "bad" and not gate.is_set():
            failures.append(delivery.id)
            raise RuntimeError("not yet")

    consumer = consumer_of(app_maker, kind, handle, concurrency=1, batch=16,
                           retry_delay=0.2, retry_delay_max=0.2)
    broker = await brokers(consumers=[consumer], delivery_limit=50)
    tenant = uuid.uuid4()
    head = event(kind, tenant, "head", "head")
    bad = event(kind, tenant, "bad", "bad")
    others = [event(kind, tenant, f"ok{i}", f"ok{i}") for i in range(6)]
    for e in [head, others[0], others[1], bad, *others[2:]]:
        await broker.publish(e)
    await eventually(lambda: len(consumer._waiting) == 7, 20, "seven waiting behind the head")
    hold.set()

    async def others_applied() -> bool:
        return all([await widgets_of(owner_engine, e.id) == 1 for e in [head, *others]])

    await eventually(others_applied, 30, "the others applied")
    assert await widgets_of(owner_engine, bad.id) == 0
    assert len(failures) >= 2, "failed in the batch, then again on its own"
    gate.set()
    await eventually(lambda: _applied(owner_engine, bad.id), 30, "the retried event")
    t = f"{kind}.created"
    assert consumed(consumer, t, "applied") == 8
    assert consumed(consumer, t, "duplicate") == 0
    for e in [head, bad, *others]:
        assert await widgets_of(owner_engine, e.id) == 1


async def test_stop_leaves_the_waiting_deliveries_to_the_broker(
        app_maker, owner_engine, brokers, amqp_url):
    kind = unique("wbstop")
    release = asyncio.Event()
    started: list[str] = []

    async def handle(delivery: Delivery) -> None:
        started.append(delivery.id)
        await release.wait()

    consumer = consumer_of(app_maker, kind, handle, concurrency=1, batch=16)
    broker = await brokers(consumers=[consumer])
    tenant = uuid.uuid4()
    events = [event(kind, tenant, f"s{i}", f"st{i}") for i in range(5)]
    for e in events:
        await broker.publish(e)
    await eventually(lambda: len(started) == 1 and len(consumer._waiting) == 4, 20,
                     "one running, four waiting")
    stopping = asyncio.create_task(broker.stop(drain_timeout=30))
    await eventually(lambda: consumer.closing, 20, "the consumer draining")
    assert not stopping.done()
    release.set()
    await stopping
    assert len(started) == 1
    for e in events:
        assert await widgets_of(owner_engine, e.id) == (1 if e.id in started else 0)
    await eventually(lambda: _depth_is(amqp_url, consumer.queue_name, 4), 20,
                     "the four waiting back in the queue")


async def test_batch_is_validated_and_sizes_the_prefetch(app_maker):
    kind = unique("wbpre")

    async def handle(delivery: Delivery) -> None:
        return None

    assert consumer_of(app_maker, kind, handle, concurrency=2, batch=64).prefetch_for(32) == 128
    assert consumer_of(app_maker, kind, handle, concurrency=2, batch=8).prefetch_for(32) == 32
    with pytest.raises(ValueError, match="batch"):
        consumer_of(app_maker, kind, handle, batch=0)


async def _applied(owner_engine, event_id: str) -> bool:
    return await widgets_of(owner_engine, event_id) == 1


async def _depth_is(amqp_url: str, name: str, n: int) -> bool:
    return await queue_depth(amqp_url, name) == n


async def test_before_commit_runs_once_per_transaction(app_maker, brokers):
    """`before_commit` runs at the end of each transaction, after its handlers, on their
    session: once for the first event alone, once for the nine that waited (a read model
    writes its gathered counters there: once per batch)."""
    kind = unique("wbbc")
    gate = asyncio.Event()
    commits: list[tuple[int, list[str]]] = []

    async def on_created(session, delivery: Delivery) -> None:
        if not commits and not session.info.get("handled"):
            session.info["handled"] = [delivery.data.name]
            await gate.wait()
            return
        session.info.setdefault("handled", []).append(delivery.data.name)

    async def before_commit(session) -> None:
        txid = (await session.execute(sa.text("SELECT txid_current()"))).scalar_one()
        commits.append((txid, session.info.pop("handled", [])))

    consumer = Consumer(unique("kit.c"), [on(widget_contract(kind), on_created)], app_maker,
                        "kit", catalogue=None, concurrency=1, batch=16,
                        before_commit=before_commit)
    broker = await brokers(consumers=[consumer])
    tenant = uuid.uuid4()
    for i in range(10):
        await broker.publish(event(kind, tenant, f"s{i}", f"b{i}"))
    await eventually(lambda: len(consumer._waiting) == 9, 20, "nine deliveries waiting")
    gate.set()
    await eventually(lambda: consumed(consumer, f"{kind}.created", "applied") == 10, 30,
                     "all ten applied")
    assert [names for _, names in commits] == [["b0"], [f"b{i}" for i in range(1, 10)]]
    assert len({txid for txid, _ in commits}) == 2
