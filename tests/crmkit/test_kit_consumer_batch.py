"""Batches (crmkit.consumer, `batch`): each tenant's share of the deliveries waiting is
handled in one transaction with `before_commit` at its end, in arrival order; duplicates
are skipped within and across batches; a batch that fails is handled again one at a time,
the failing event retried alone. Against the real RabbitMQ and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import sqlalchemy as sa
from kithelpers import consumed, eventually, unique, widget_contract, widget_event, widgets_of

from crmkit.consumer import Consumer, Delivery, on
from crmkit.events import CloudEvent

pytestmark = pytest.mark.integration


def event(kind: str, tenant: uuid.UUID, name: str) -> CloudEvent:
    e = widget_event(tenant, name, type_=f"{kind}.created")
    e.subject = f"s{name}"
    return e


def batch_consumer(app_maker, kind: str, handle, commits: list[tuple[int, list[str]]],
                   **kw) -> Consumer:
    """Records each handled widget with its transaction; `commits`: per transaction, what
    before_commit saw handled in it."""

    async def on_created(session, delivery: Delivery) -> None:
        await handle(delivery)
        session.info.setdefault("handled", []).append(delivery.data.name)
        await session.execute(
            sa.text("INSERT INTO widgets (tenant_id, event_id, name) VALUES (:t, :e, :n)"),
            {"t": delivery.tenant.value, "e": delivery.id, "n": delivery.data.name})

    async def before_commit(session) -> None:
        txid = (await session.execute(sa.text("SELECT txid_current()"))).scalar_one()
        commits.append((txid, session.info.pop("handled", [])))

    kw.setdefault("retry_delay", 0.05)
    return Consumer(unique("kit.b"), [on(widget_contract(kind), on_created)], app_maker, "kit",
                    catalogue=None, batch=50, before_commit=before_commit, **kw)


async def test_waiting_deliveries_are_handled_a_tenant_at_a_time_in_one_transaction(
        app_maker, owner_engine, brokers):
    kind = unique("wbatch")
    gate = asyncio.Event()
    order: dict[str, list[int]] = {}

    async def handle(delivery: Delivery) -> None:
        if delivery.data.name == "0":
            await gate.wait()  # the rest arrive meanwhile
        order.setdefault(delivery.envelope.tenantid, []).append(int(delivery.data.name))

    commits: list[tuple[int, list[str]]] = []
    consumer = batch_consumer(app_maker, kind, handle, commits)
    assert consumer.prefetch_for(32) == 100
    broker = await brokers(consumers=[consumer])
    tenants = [uuid.uuid4(), uuid.uuid4()]
    await broker.publish(event(kind, tenants[0], "0"))
    await eventually(lambda: consumer._inflight == 1, 20, "the first event held")
    events = [event(kind, tenants[i % 2], str(i)) for i in range(1, 41)]
    for e in events:
        await broker.publish(e)
    await eventually(lambda: len(consumer._pending) == 40, 20, "forty waiting")
    gate.set()
    await eventually(lambda: consumed(consumer, f"{kind}.created", "applied") == 41, 30,
                     "every event")
    # the first alone, then the forty in one batch: one transaction per tenant
    assert [len(names) for _, names in commits] == [1, 20, 20]
    assert len({txid for txid, _ in commits}) == 3
    assert order[str(tenants[0])] == [0, *range(2, 41, 2)]
    assert order[str(tenants[1])] == list(range(1, 41, 2))
    for e in events:
        assert await widgets_of(owner_engine, e.id) == 1


async def test_duplicates_in_and_across_batches_are_skipped(app_maker, owner_engine, brokers):
    kind = unique("wbdup")
    gate = asyncio.Event()

    async def handle(delivery: Delivery) -> None:
        if delivery.data.name == "hold":
            await gate.wait()

    commits: list[tuple[int, list[str]]] = []
    consumer = batch_consumer(app_maker, kind, handle, commits)
    broker = await brokers(consumers=[consumer])
    tenant = uuid.uuid4()
    hold = event(kind, tenant, "hold")
    await broker.publish(hold)
    await eventually(lambda: consumer._inflight == 1, 20, "the first event held")
    events = [event(kind, tenant, f"d{i}") for i in range(5)]
    for e in [*events, *events, hold, *events]:
        await broker.publish(e)
    await eventually(lambda: len(consumer._pending) == 16, 20, "sixteen waiting")
    gate.set()
    t = f"{kind}.created"
    await eventually(lambda: consumed(consumer, t, "duplicate") == 11, 30, "eleven duplicates")
    assert consumed(consumer, t, "applied") == 6
    for e in [hold, *events]:
        assert await widgets_of(owner_engine, e.id) == 1


async def test_a_failing_batch_is_handled_one_at_a_time(app_maker, owner_engine, brokers):
    kind = unique("wbfail")
    gate = asyncio.Event()
    failures: list[str] = []

    async def handle(delivery: Delivery) -> None:
        if delivery.data.name == "hold":
            await gate.wait()
        if delivery.data.name == "bad" and not (gate.is_set() and len(failures) >= 2):
            failures.append(delivery.id)
            raise RuntimeError("not yet")

    commits: list[tuple[int, list[str]]] = []
    consumer = batch_consumer(app_maker, kind, handle, commits, retry_delay=0.3,
                              retry_delay_max=0.3)
    broker = await brokers(consumers=[consumer], delivery_limit=50)
    tenant = uuid.uuid4()
    await broker.publish(event(kind, tenant, "hold"))
    await eventually(lambda: consumer._inflight == 1, 20, "the first event held")
    bad = event(kind, tenant, "bad")
    good = [event(kind, tenant, f"g{i}") for i in range(6)]
    for e in [*good[:3], bad, *good[3:]]:
        await broker.publish(e)
    await eventually(lambda: len(consumer._pending) == 7, 20, "seven waiting")
    gate.set()

    async def good_applied() -> bool:
        return all([await widgets_of(owner_engine, e.id) == 1 for e in good])

    await eventually(good_applied, 30, "the good events, one at a time")
    await eventually(lambda: _applied(owner_engine, bad.id), 30, "the bad one, retried")
    assert len(failures) >= 2  # in the batch, then alone
    assert consumed(consumer, f"{kind}.created", "applied") == 8
    # the batch's transaction rolled back: nothing of it was committed twice
    for e in [bad, *good]:
        assert await widgets_of(owner_engine, e.id) == 1


async def _applied(owner_engine, event_id: str) -> bool:
    return await widgets_of(owner_engine, event_id) == 1
