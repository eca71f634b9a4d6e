"""The relay's batched publish path against real PostgreSQL and RabbitMQ: the stored JSON is
what goes out, each message of a batch has its own outcome, batches grow on a big backlog and
keep order per aggregate, and the counters count each event once."""

from __future__ import annotations

import uuid
from collections import defaultdict

import orjson
import pytest
import sqlalchemy as sa
from kithelpers import eventually, stage_committed, unique, unsent, widget_event
from test_kit_outbox import bound_queue, take

from crmkit.events import EXCHANGE, CloudEvent
from crmkit.messaging import Outgoing
from crmkit.metrics import EVENTS_PUBLISHED, PUBLISH_ERRORS
from crmkit.outbox import OutboxRelay

pytestmark = pytest.mark.integration


async def test_the_stored_event_goes_out_as_staged_with_its_properties(
        app_maker, relay_maker, brokers, amqp_url):
    kind = unique("widget.stored")
    conn, queue = await bound_queue(amqp_url, EXCHANGE, kind)
    tenant = uuid.uuid4()
    event = widget_event(tenant, "ร้าน \"ข้าวมันไก่\" \\ 1", type_=kind, price=12.5,
                         tags=["a", "ข"], nested={"k": "v", "z": [1, 2]})
    event = event.model_copy(update={"correlationid": "req-123", "sequence": 7})
    await stage_committed(app_maker, [event])
    relay = OutboxRelay("kit", relay_maker, await brokers(), sweep_seconds=0.2)
    await relay.start()
    try:
        (msg,) = await take(queue, 1)
    finally:
        await relay.stop()
        await conn.close()
    # The same JSON value the staged model dumps (None fields left out, as staged), and a
    # CloudEvent a consumer can parse.
    assert orjson.loads(msg.body) == event.model_dump(mode="json", exclude_none=True)
    assert CloudEvent.from_bytes(msg.body) == event
    assert (msg.message_id, msg.type, msg.correlation_id, msg.app_id) == (
        event.id, kind, "req-123", "kit")


async def test_publish_many_gives_each_message_its_own_outcome(brokers, amqp_url):
    bare = unique("tidtam.test.bare.")
    broker = await brokers(exchange=bare, archive=False)
    conn, queue = await bound_queue(amqp_url, bare, "routed")
    try:
        outgoing = [Outgoing(orjson.dumps({"n": i}), kind, str(uuid.uuid4()), None)
                    for i, kind in enumerate(["routed", "lost", "routed", "lost", "routed"])]
        errors = await broker.publish_many(outgoing)
        assert [e.reason if e else None for e in errors] == [
            None, "unroutable", None, "unroutable", None]
        assert broker.connected
        msgs = await take(queue, 3)
        assert [orjson.loads(m.body)["n"] for m in msgs] == [0, 2, 4]
    finally:
        channel = await conn.channel()
        await channel.exchange_delete(bare)
        await conn.close()


async def test_a_batch_marks_the_published_and_retries_only_the_refused(
        app_maker, relay_maker, relay_engine, brokers, amqp_url):
    bare = unique("tidtam.test.bare.")
    broker = await brokers(exchange=bare, archive=False)
    conn, queue = await bound_queue(amqp_url, bare, "widget.routed")
    tenant = uuid.uuid4()
    routed = [widget_event(tenant, f"r{i}", type_="widget.routed") for i in range(3)]
    lost = widget_event(tenant, "nobody", type_="widget.lost")
    await stage_committed(app_maker, [routed[0], lost, routed[1], routed[2]])
    before = PUBLISH_ERRORS.labels("kit", "unroutable")._value.get()
    relay = OutboxRelay("kit", relay_maker, broker, sweep_seconds=0.2,
                        backoff_min=0.1, backoff_max=0.2)
    await relay.start()

    async def lost_row():
        async with relay_engine.connect() as c:
            return (await c.execute(sa.text(
                "SELECT attempts, last_error, sent_at FROM outbox WHERE event_id = :i"),
                {"i": lost.id})).one()

    try:
        msgs = await take(queue, 3)
        await eventually(lambda: _attempts(lost_row, 2), 15, "the refused row retried")
        attempts, last_error, sent_at = await lost_row()
        assert sent_at is None and last_error.startswith("unroutable: widget.lost")
        assert PUBLISH_ERRORS.labels("kit", "unroutable")._value.get() >= before + 2
        # Only the refused row is left; the others were published once.
        assert await unsent(relay_engine) == 1
        assert await queue.get(no_ack=True, fail=False, timeout=1) is None
    finally:
        await relay.stop()
        channel = await conn.channel()
        await channel.exchange_delete(bare)
        await conn.close()
    assert [m.message_id for m in msgs] == [e.id for e in routed]


async def _attempts(row, n: int) -> bool:
    return (await row())[0] >= n


async def test_growing_batches_keep_order_per_aggregate_and_count_once(
        app_maker, relay_maker, relay_engine, brokers, amqp_url):
    kind = unique("widget.many")
    conn, queue = await bound_queue(amqp_url, EXCHANGE, kind)
    n, subjects = 230, [f"agg{i}" for i in range(4)]
    tenant = uuid.uuid4()
    events = [widget_event(tenant, subjects[i % 4], type_=kind, i=i) for i in range(n)]
    await stage_committed(app_maker, events)
    counted = EVENTS_PUBLISHED.labels("kit", kind)._value.get()
    # Batches of 3, then of 30 while they come back full.
    relay = OutboxRelay("kit", relay_maker, await brokers(), sweep_seconds=60,
                        batch_size=3, max_batch_size=30, listen=False)
    assert relay.max_batch_size == 30
    await relay.start()
    try:
        msgs = await take(queue, n, timeout=30)
        await eventually(relay.idle.is_set, 10, "the relay idle")
        assert await queue.get(no_ack=True, fail=False, timeout=1) is None
    finally:
        await relay.stop()
        await conn.close()
    per_subject: dict[str, list[int]] = defaultdict(list)
    for m in msgs:
        body = orjson.loads(m.body)
        per_subject[body["subject"]].append(body["data"]["i"])
    assert all(seq == sorted(seq) for seq in per_subject.values())
    assert sum(len(s) for s in per_subject.values()) == n
    assert EVENTS_PUBLISHED.labels("kit", kind)._value.get() == counted + n
    assert await unsent(relay_engine) == 0
