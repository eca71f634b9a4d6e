"""The consumer handles events of different aggregates at once and one aggregate's events in
arrival order, against the real RabbitMQ and PostgreSQL (crmkit.consumer, `concurrency`)."""

from __future__ import annotations

import asyncio
import random
import uuid

import pytest
import sqlalchemy as sa
from kithelpers import (
    consumed,
    eventually,
    queue_depth,
    unique,
    widget_contract,
    widget_event,
    widgets_of,
)

from crmkit.consumer import Consumer, Delivery, on
from crmkit.events import CloudEvent

pytestmark = pytest.mark.integration


def event(kind: str, tenant: uuid.UUID, subject: str, name: str) -> CloudEvent:
    e = widget_event(tenant, name, type_=f"{kind}.created")
    e.subject = subject
    return e


def consumer_of(app_maker, kind: str, handle, **kw) -> Consumer:
    """A consumer whose handler runs `handle(event)` and then records the widget."""

    async def on_created(session, delivery: Delivery) -> None:
        await handle(delivery)
        await session.execute(
            sa.text("INSERT INTO widgets (tenant_id, event_id, name) VALUES (:t, :e, :n)"),
            {"t": delivery.tenant.value, "e": delivery.id, "n": delivery.data.name})

    kw.setdefault("retry_delay", 0.02)
    return Consumer(unique("kit.c"), [on(widget_contract(kind), on_created)], app_maker, "kit",
                    catalogue=None, **kw)


async def test_events_of_different_aggregates_are_handled_at_once(app_maker, brokers):
    """Four handlers wait on one barrier of four: it opens only if all four run together."""
    kind = unique("wconc")
    barrier = asyncio.Barrier(4)
    running = 0
    most = 0

    async def handle(delivery: Delivery) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            async with asyncio.timeout(30):  # a guard: serial handling never opens it
                await barrier.wait()
        finally:
            running -= 1

    consumer = consumer_of(app_maker, kind, handle, concurrency=4)
    broker = await brokers(consumers=[consumer])
    tenant = uuid.uuid4()
    for i in range(4):
        await broker.publish(event(kind, tenant, f"agg{i}", f"w{i}"))
    await eventually(lambda: consumed(consumer, f"{kind}.created", "applied") == 4, 40,
                     "four events through the barrier")
    assert most == 4
    assert consumed(consumer, f"{kind}.created", "duplicate") == 0


async def test_one_aggregates_events_stay_in_arrival_order(app_maker, brokers):
    """Handlers take a random while; each aggregate's events still run one at a time, in the
    order they were published, while the aggregates interleave. The same subject in another
    tenant is another aggregate."""
    kind = unique("word")
    seen: dict[tuple[str, str], list[int]] = {}
    running: dict[tuple[str, str], int] = {}
    overlap: list[tuple[str, str]] = []
    most = 0

    async def handle(delivery: Delivery) -> None:
        nonlocal most
        key = (delivery.envelope.tenantid, delivery.envelope.subject or "")
        running[key] = running.get(key, 0) + 1
        most = max(most, sum(running.values()))
        if running[key] > 1:
            overlap.append(key)
        await asyncio.sleep(random.uniform(0, 0.02))
        seen.setdefault(key, []).append(int(delivery.data.name))
        running[key] -= 1

    consumer = consumer_of(app_maker, kind, handle, concurrency=8)
    broker = await brokers(consumers=[consumer])
    aggregates = [(uuid.uuid4(), s) for s in ("a", "b", "c")]
    aggregates.append((uuid.uuid4(), "a"))
    n = 15
    for i in range(n):
        for tenant, subject in aggregates:
            await broker.publish(event(kind, tenant, subject, str(i)))
    await eventually(lambda: consumed(consumer, f"{kind}.created", "applied") == 4 * n, 60,
                     "every event handled")
    assert overlap == []
    assert seen == {(str(t), s): list(range(n)) for t, s in aggregates}
    assert most > 1, "the aggregates were handled at once"


async def test_a_failing_aggregate_does_not_block_others_and_is_retried(
        app_maker, owner_engine, brokers):
    kind = unique("wfail")
    gate = asyncio.Event()
    failures: list[str] = []

    async def handle(delivery: Delivery) -> None:
        if delivery.envelope.subject == "stuck" and not gate.is_set():
            failures.append(delivery.id)
            raise RuntimeError("not yet")

    # One slot: a failed event waiting for its retry must not hold it.
    consumer = consumer_of(app_maker, kind, handle, concurrency=1, retry_delay=0.5,
                           retry_delay_max=0.5)
    broker = await brokers(consumers=[consumer], delivery_limit=50)
    tenant = uuid.uuid4()
    stuck = event(kind, tenant, "stuck", "stuck")
    await broker.publish(stuck)
    await eventually(lambda: len(failures) >= 1, 20, "the first failure")
    others = [event(kind, tenant, f"free{i}", f"free{i}") for i in range(10)]
    for e in others:
        await broker.publish(e)

    async def others_applied() -> bool:
        return all([await widgets_of(owner_engine, e.id) == 1 for e in others])

    await eventually(others_applied, 30, "the other aggregates' events")
    assert await widgets_of(owner_engine, stuck.id) == 0
    gate.set()
    await eventually(lambda: _applied(owner_engine, stuck.id), 30, "the retried event")
    assert len(failures) >= 1
    assert consumed(consumer, f"{kind}.created", "applied") == 11


async def _applied(owner_engine, event_id: str) -> bool:
    return await widgets_of(owner_engine, event_id) == 1


async def test_duplicates_are_still_skipped_when_concurrent(app_maker, owner_engine, brokers):
    kind = unique("wdupc")

    async def handle(delivery: Delivery) -> None:
        await asyncio.sleep(0)

    consumer = consumer_of(app_maker, kind, handle, concurrency=8)
    broker = await brokers(consumers=[consumer])
    tenant = uuid.uuid4()
    events = [event(kind, tenant, f"s{i}", f"d{i}") for i in range(5)]
    for _ in range(3):
        for e in events:
            await broker.publish(e)
    t = f"{kind}.created"
    await eventually(lambda: consumed(consumer, t, "duplicate") == 10, 30, "ten duplicates")
    assert consumed(consumer, t, "applied") == 5
    for e in events:
        assert await widgets_of(owner_engine, e.id) == 1


async def test_stop_finishes_running_handlers_and_leaves_waiting_ones(
        app_maker, owner_engine, brokers, amqp_url):
    """On stop the two handlers running finish, commit and are acked; the events waiting for
    a slot are not started and go back to the queue for the next consumer."""
    kind = unique("wstop")
    release = asyncio.Event()
    started: list[str] = []

    async def handle(delivery: Delivery) -> None:
        started.append(delivery.id)
        await release.wait()

    consumer = consumer_of(app_maker, kind, handle, concurrency=2)
    broker = await brokers(consumers=[consumer])
    tenant = uuid.uuid4()
    events = [event(kind, tenant, f"s{i}", f"st{i}") for i in range(5)]
    for e in events:
        await broker.publish(e)
    await eventually(lambda: len(started) == 2, 20, "two handlers running")
    stopping = asyncio.create_task(broker.stop(drain_timeout=30))
    await eventually(lambda: consumer.closing, 20, "the consumer draining")
    assert not stopping.done()
    release.set()
    await stopping
    assert len(started) == 2
    for e in events:
        assert await widgets_of(owner_engine, e.id) == (1 if e.id in started else 0)
    await eventually(lambda: _depth_is(amqp_url, consumer.queue_name, 3), 20,
                     "the three not started back in the queue")


async def _depth_is(amqp_url: str, name: str, n: int) -> bool:
    return await queue_depth(amqp_url, name) == n


async def test_prefetch_is_sized_to_the_concurrency(app_maker):
    kind = unique("wpre")

    async def handle(delivery: Delivery) -> None:
        return None

    assert consumer_of(app_maker, kind, handle, concurrency=16).prefetch_for(32) == 64
    assert consumer_of(app_maker, kind, handle, concurrency=2).prefetch_for(32) == 32
    with pytest.raises(ValueError, match="concurrency"):
        consumer_of(app_maker, kind, handle, concurrency=0)
