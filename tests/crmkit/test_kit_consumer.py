"""Consumer base, quorum queues, dead-lettering and RLS, against the real servers."""

from __future__ import annotations

import uuid

import aio_pika
import pytest
import sqlalchemy as sa
from kithelpers import (
    consumed,
    eventually,
    queue_depth,
    unique,
    widget_consumer,
    widget_event,
    widgets_of,
)

from crmkit.context import tenant_from_event
from crmkit.db import tenant_session
from crmkit.metrics import EVENTS_FAILED

pytestmark = pytest.mark.integration


async def test_duplicate_delivery_is_applied_once(app_maker, owner_engine, brokers):
    kind = unique("wdup")
    consumer = widget_consumer(app_maker, kind)
    broker = await brokers(consumers=[consumer])
    event = widget_event(uuid.uuid4(), "twice", type_=f"{kind}.created")
    for _ in range(3):
        await broker.publish(event)
    t = f"{kind}.created"
    await eventually(lambda: consumed(consumer, t, "duplicate") == 2, 10, "two duplicates")
    assert consumed(consumer, t, "applied") == 1
    assert await widgets_of(owner_engine, event.id) == 1
    async with owner_engine.connect() as c:
        rows = (await c.execute(sa.text(
            "SELECT consumer, event_type FROM processed_events WHERE event_id = :e"),
            {"e": event.id})).all()
    assert rows == [(consumer.name, t)]


async def test_poison_message_dead_letters_after_the_limit_and_others_flow(
        app_maker, owner_engine, brokers, amqp_url, caplog):
    kind = unique("wpoison")
    calls: list[str] = []
    consumer = widget_consumer(app_maker, kind, calls)
    broker = await brokers(consumers=[consumer])  # delivery limit: the default 5
    tenant = uuid.uuid4()
    poison = widget_event(tenant, "poison", type_=f"{kind}.created", poison=True)
    good = [widget_event(tenant, f"good{i}", type_=f"{kind}.created") for i in range(5)]
    ignored = widget_event(tenant, "no handler", type_=f"{kind}.archived")
    await broker.publish(poison)
    for e in good:
        await broker.publish(e)
    await broker.publish(ignored)
    # Not a CloudEvent at all: straight to the DLQ, no retry loop.
    conn = await aio_pika.connect(amqp_url)
    channel = await conn.channel()
    await channel.default_exchange.publish(
        aio_pika.Message(b"{not json", message_id="garbage"), routing_key=consumer.queue_name)

    async def all_good_applied():
        return all([await widgets_of(owner_engine, e.id) == 1 for e in good])

    try:
        await eventually(all_good_applied, 15, "the messages behind the poison")
        await eventually(lambda: _depth_is(amqp_url, consumer.dlq_name, 2), 20,
                         "poison and garbage in the DLQ")
        assert await queue_depth(amqp_url, consumer.queue_name) == 0
        dead = {}
        for _ in range(2):
            msg = await (await channel.get_queue(consumer.dlq_name)).get(no_ack=True)
            dead[msg.message_id] = msg
    finally:
        await conn.close()
    assert set(dead) == {poison.id, "garbage"}
    assert dead[poison.id].headers["x-first-death-reason"] == "delivery_limit"
    # The quorum queue's own count drives the retry delay: 0, 1, 2, ... on redeliveries.
    counts = [r.fields["delivery_count"] for r in caplog.records
              if r.getMessage().startswith("event handler failed")]
    assert counts[:5] == [0, 1, 2, 3, 4]
    assert calls.count(poison.id) >= 5, "redelivered up to the delivery limit"
    assert EVENTS_FAILED.labels("kit", consumer.name, f"{kind}.created")._value.get() >= 5
    assert await widgets_of(owner_engine, poison.id) == 0
    assert consumed(consumer, f"{kind}.archived", "ignored") == 1


async def _depth_is(amqp_url: str, name: str, n: int) -> bool:
    return await queue_depth(amqp_url, name) == n


async def test_consumer_queue_is_quorum_with_limit_and_dlx(app_maker, brokers, amqp_url):
    consumer = widget_consumer(app_maker, unique("wtopo"))
    await brokers(consumers=[consumer], delivery_limit=7)
    conn = await aio_pika.connect(amqp_url)
    try:
        channel = await conn.channel()
        # Passive re-declaration with different arguments would fail; the same ones pass.
        from crmkit.messaging import consumer_queue_arguments

        args = consumer_queue_arguments(7) | {"x-dead-letter-routing-key": consumer.name}
        await channel.declare_queue(consumer.queue_name, durable=True, arguments=args)
        with pytest.raises(aio_pika.exceptions.ChannelPreconditionFailed):
            await channel.declare_queue(consumer.queue_name, durable=True,
                                        arguments=args | {"x-delivery-limit": 8})
    finally:
        await conn.close()


async def test_rls_hides_every_row_without_a_tenant(app_maker, owner_engine):
    a, b = uuid.uuid4(), uuid.uuid4()
    for tenant, name in ((a, "a1"), (a, "a2"), (b, "b1")):
        async with tenant_session(app_maker, tenant_from_event(str(tenant))) as s, s.begin():
            await s.execute(sa.text("INSERT INTO widgets (tenant_id, name) VALUES (:t, :n)"),
                            {"t": tenant, "n": name})
    count = sa.text("SELECT count(*) FROM widgets")
    async with tenant_session(app_maker, None) as s:
        assert (await s.execute(count)).scalar_one() == 0
    async with tenant_session(app_maker, tenant_from_event(str(a))) as s:
        assert (await s.execute(count)).scalar_one() == 2
        # The tenant is transaction-local: after commit, the pooled connection forgets it.
        await s.commit()
        async with app_maker() as bare:
            assert (await bare.execute(count)).scalar_one() == 0
    with pytest.raises(sa.exc.DBAPIError, match="row-level security"):
        async with tenant_session(app_maker, tenant_from_event(str(a))) as s, s.begin():
            await s.execute(sa.text("INSERT INTO widgets (tenant_id, name) VALUES (:t, 'x')"),
                            {"t": b})
    async with owner_engine.connect() as c:
        assert (await c.execute(count)).scalar_one() == 3
        role = (await c.execute(sa.text(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'tidtam_app'"))).one()
        forced = (await c.execute(sa.text(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relname = 'widgets'"))).one()
    assert tuple(role) == (False, False)
    assert tuple(forced) == (True, True)


async def test_data_invalid_for_its_contract_is_dead_lettered_at_once(
        app_maker, owner_engine, brokers, amqp_url):
    """A handler receives only a valid model: data its contract refuses, or of a version
    the consumer does not know, goes to the DLQ on the first delivery (no retry can fix
    it), and the events behind it flow."""
    kind = unique("winvalid")
    calls: list[str] = []
    consumer = widget_consumer(app_maker, kind, calls)
    broker = await brokers(consumers=[consumer])
    tenant = uuid.uuid4()
    nameless = widget_event(tenant, "x", type_=f"{kind}.created")
    nameless = nameless.model_copy(update={"data": {"poison": False}})
    future = widget_event(tenant, "from the future", type_=f"{kind}.created")
    future = future.model_copy(update={"dataversion": "2"})
    good = widget_event(tenant, "good", type_=f"{kind}.created")
    for event in (nameless, future, good):
        await broker.publish(event)
    await eventually(lambda: widgets_of(owner_engine, good.id), 15, "the valid event")
    await eventually(lambda: _depth_is(amqp_url, consumer.dlq_name, 2), 15,
                     "both invalid events in the DLQ")
    conn = await aio_pika.connect(amqp_url)
    try:
        channel = await conn.channel()
        dead = [await (await channel.get_queue(consumer.dlq_name)).get(no_ack=True)
                for _ in range(2)]
    finally:
        await conn.close()
    assert {m.message_id for m in dead} == {nameless.id, future.id}
    assert {m.headers["x-first-death-reason"] for m in dead} == {"rejected"}
    assert calls == [good.id]  # the handler never saw the invalid ones
    assert EVENTS_FAILED.labels("kit", consumer.name, "invalid")._value.get() == 2
