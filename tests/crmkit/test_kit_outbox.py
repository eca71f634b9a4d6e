"""Outbox and relay against real PostgreSQL and RabbitMQ."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter

import aio_pika
import orjson
import pytest
import sqlalchemy as sa
from kithelpers import eventually, stage_committed, unique, unsent, widget_event

from crmkit.context import tenant_from_event
from crmkit.db import tenant_session
from crmkit.events import CONTENT_TYPE, EXCHANGE
from crmkit.messaging import Broker, BrokerUnavailable, PublishFailed
from crmkit.metrics import OUTBOX_BACKLOG, OUTBOX_OLDEST_AGE, PUBLISH_ERRORS
from crmkit.outbox import OutboxRelay, stage, stage_many

pytestmark = pytest.mark.integration


async def bound_queue(amqp_url: str, exchange: str, key: str):
    """A test-owned exclusive queue bound to `exchange`; returns (connection, queue)."""
    conn = await aio_pika.connect(amqp_url)
    channel = await conn.channel()
    ex = await channel.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=True)
    queue = await channel.declare_queue(exclusive=True, auto_delete=True)
    await queue.bind(ex, key)
    return conn, queue


async def take(queue, n: int, timeout: float = 10.0) -> list:
    got = []
    async with asyncio.timeout(timeout):
        while len(got) < n:
            msg = await queue.get(no_ack=True, fail=False)
            if msg is None:
                await asyncio.sleep(0.02)
            else:
                got.append(msg)
    return got


async def test_relay_publishes_staged_events_as_cloudevents(app_maker, relay_maker, brokers,
                                                            amqp_url):
    kind = unique("widget.made")
    conn, queue = await bound_queue(amqp_url, EXCHANGE, kind)
    broker = await brokers()
    # A long sweep: the event must arrive through LISTEN/NOTIFY, not the sweep.
    relay = OutboxRelay("kit", relay_maker, broker, sweep_seconds=60)
    await relay.start()
    try:
        await eventually(lambda: relay.listening, 10, "the relay to LISTEN")
        tenant = uuid.uuid4()
        event = widget_event(tenant, "ร้านกาแฟ", type_=kind)
        await stage_committed(app_maker, [event])
        (msg,) = await take(queue, 1, timeout=5)
    finally:
        await relay.stop()
        await conn.close()
    assert msg.content_type == CONTENT_TYPE
    assert msg.message_id == event.id
    assert msg.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert msg.routing_key == kind
    body = orjson.loads(msg.body)
    assert body["specversion"] == "1.0" and body["id"] == event.id
    assert body["type"] == kind and body["source"] == "/services/kit"
    assert body["tenantid"] == str(tenant) and body["subject"] == "ร้านกาแฟ"
    assert body["data"] == {"name": "ร้านกาแฟ"}
    assert {"time", "dataversion", "sequence"} <= body.keys()
    async with relay_maker() as s:
        sent_at = (await s.execute(sa.text("SELECT sent_at FROM outbox WHERE event_id = :i"),
                                   {"i": event.id})).scalar_one()
    assert sent_at is not None


async def test_rolled_back_staged_event_is_never_published(app_maker, relay_maker, brokers,
                                                           event_capture):
    tenant = uuid.uuid4()
    kept, dropped = widget_event(tenant, "kept"), widget_event(tenant, "dropped")
    async with tenant_session(app_maker, tenant_from_event(str(tenant))) as s:
        await stage(s, dropped)
        await s.rollback()
    await stage_committed(app_maker, [kept])
    relay = OutboxRelay("kit", relay_maker, await brokers(), sweep_seconds=0.2)
    await relay.start()
    try:
        await event_capture.assert_published("widget.created", lambda e: e["id"] == kept.id)
        await eventually(relay.idle.is_set, 10, "the outbox to drain")
        # The kept event was staged after the dropped one: anything published was published.
        await asyncio.sleep(0.3)
    finally:
        await relay.stop()
    assert not [e for e in event_capture.events if e["id"] == dropped.id]


async def test_two_relays_publish_each_row_once(app_maker, relay_maker, relay_engine, brokers,
                                                amqp_url):
    kind = unique("widget.pair")
    conn, queue = await bound_queue(amqp_url, EXCHANGE, kind)
    n = 300
    tenants = [uuid.uuid4() for _ in range(3)]
    events = [widget_event(tenants[i % 3], f"w{i}", type_=kind) for i in range(n)]
    await stage_committed(app_maker, events)
    relays = [OutboxRelay("kit", relay_maker, await brokers(), sweep_seconds=0.1, batch_size=7)
              for _ in range(2)]
    for relay in relays:
        await relay.start()
    try:
        msgs = await take(queue, n, timeout=30)
        await eventually(lambda: all(r.idle.is_set() for r in relays), 10, "both relays idle")
        extra = await queue.get(no_ack=True, fail=False, timeout=2)
    finally:
        for relay in relays:
            await relay.stop()
        await conn.close()
    counts = Counter(m.message_id for m in msgs)
    assert set(counts) == {e.id for e in events}
    assert max(counts.values()) == 1 and extra is None
    assert await unsent(relay_engine) == 0


async def test_unroutable_publish_is_an_error_until_a_binding_exists(
        app_maker, relay_maker, relay_engine, brokers, amqp_url):
    bare = unique("tidtam.test.bare.")
    broker = await brokers(exchange=bare, archive=False)
    before = PUBLISH_ERRORS.labels("kit", "unroutable")._value.get()
    relay = OutboxRelay("kit", relay_maker, broker, sweep_seconds=0.2,
                        backoff_min=0.1, backoff_max=0.4)
    event = widget_event(uuid.uuid4(), "nobody-listens")
    await stage_committed(app_maker, [event])
    await relay.start()
    conn = None

    async def row():
        async with relay_engine.connect() as c:
            return (await c.execute(sa.text(
                "SELECT attempts, last_error, sent_at FROM outbox WHERE event_id = :i"),
                {"i": event.id})).one()

    try:
        await eventually(lambda: _attempts_at_least(row, 3), 15, "three failed attempts")
        attempts, last_error, sent_at = await row()
        assert sent_at is None and "unroutable" in last_error
        assert PUBLISH_ERRORS.labels("kit", "unroutable")._value.get() >= before + 3
        assert broker.connected  # an unroutable publish is an error, not a broken connection
        conn, queue = await bound_queue(amqp_url, bare, "#")
        (msg,) = await take(queue, 1, timeout=10)
        assert msg.message_id == event.id
        await eventually(lambda: _sent(row), 5, "the row to be marked sent")
        assert await queue.get(no_ack=True, fail=False, timeout=1) is None
    finally:
        await relay.stop()
        if conn:
            channel = await conn.channel()
            await channel.exchange_delete(bare)
            await conn.close()


async def _attempts_at_least(row, n: int) -> bool:
    return (await row())[0] >= n


async def _sent(row) -> bool:
    return (await row())[2] is not None


async def test_relay_relistens_after_its_connection_is_killed(app_maker, relay_maker,
                                                              owner_engine, brokers,
                                                              event_capture):
    relay = OutboxRelay("kit", relay_maker, await brokers(), sweep_seconds=60, backoff_min=0.1)
    await relay.start()
    try:
        await eventually(lambda: relay.listening, 10, "the relay to LISTEN")
        async with owner_engine.begin() as c:
            killed = (await c.execute(sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = 'kit-outbox-listen' AND datname = current_database()"
            ))).scalar_one()
        assert killed == 1
        await eventually(lambda: not relay.listening, 5, "the relay to notice")
        await eventually(lambda: relay.listening, 10, "the relay to LISTEN again")
        event = widget_event(uuid.uuid4(), "after-reconnect")
        await stage_committed(app_maker, [event])
        # Sweep is 60 s: arriving within 5 s means the new LISTEN connection woke the relay.
        await event_capture.assert_published("widget.created", lambda e: e["id"] == event.id,
                                             timeout=5)
    finally:
        await relay.stop()


async def test_without_a_broker_the_relay_waits_publish_times_out_and_stop_is_prompt(
        app_maker, relay_maker, relay_engine, owner_engine):
    broker = Broker("amqp://guest:guest@127.0.0.1:1/", "kit", connect_timeout=1,
                    backoff_min=0.05, backoff_max=0.2)
    with pytest.raises(BrokerUnavailable, match="unreachable"):
        await broker.start(wait=0.5)
    relay = OutboxRelay("kit", relay_maker, broker, sweep_seconds=5, backoff_min=0.05,
                        backoff_max=30)
    event = widget_event(uuid.uuid4(), "waits")
    await stage_committed(app_maker, [event])
    # Staged an hour ago (as if the broker had been away that long): the gauge must say so.
    async with owner_engine.begin() as c:
        await c.execute(sa.text("UPDATE outbox SET created_at = now() - interval '1 hour' "
                                "WHERE event_id = :i"), {"i": event.id})
    await relay.start()
    try:
        await eventually(lambda: OUTBOX_BACKLOG.labels("kit")._value.get() == 1, 5,
                         "the backlog gauge")
        await eventually(lambda: 3600 <= OUTBOX_OLDEST_AGE.labels("kit")._value.get() < 3660,
                         5, "the oldest-age gauge to read about an hour")
        with pytest.raises(PublishFailed) as failed:
            await broker.publish(event, timeout=0.3)  # times out, never hangs
        assert failed.value.reason == "timeout"
    finally:
        started = time.monotonic()
        await relay.stop()
        await broker.stop()
        assert time.monotonic() - started < 2, "stop() must not wait out a backoff"
    assert await unsent(relay_engine) == 1


async def test_the_request_role_may_only_insert_into_the_outbox(app_maker, app_engine,
                                                                relay_engine):
    """The outbox is outside RLS and holds every tenant's events: a request-path query of
    it (another tenant's rows or its own) is refused; staging still works; the relay role
    reads it but no tenant table."""
    mine, theirs = uuid.uuid4(), uuid.uuid4()
    await stage_committed(app_maker, [widget_event(theirs, "ข้อมูลส่วนตัว")])
    await stage_committed(app_maker, [widget_event(mine, "mine")])
    async with tenant_session(app_maker, tenant_from_event(str(mine))) as s, s.begin():
        # The bulk path too, with one row (where a compiler would add RETURNING) and many.
        await stage_many(s, [widget_event(mine, "one")])
        await stage_many(s, [widget_event(mine, "a"), widget_event(mine, "b")])
    for sql in ("SELECT * FROM outbox",
                f"SELECT payload FROM outbox WHERE tenant_id = '{theirs}'",
                "UPDATE outbox SET sent_at = now()",
                "DELETE FROM outbox",
                "SELECT last_value FROM outbox_id_seq"):
        async with tenant_session(app_maker, tenant_from_event(str(mine))) as s:
            with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
                await s.execute(sa.text(sql))
    async with relay_engine.connect() as c:
        tenants = Counter((await c.execute(sa.text("SELECT tenant_id FROM outbox"))).scalars())
        assert tenants == {mine: 4, theirs: 1}
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            await c.execute(sa.text("SELECT * FROM widgets"))
