"""An erased person's events leave the broker's queues (crmkit.privacy.purge_archive, issue
17), on a real broker: the archive and every dead-letter queue named lose the person's
events (by their records' ids or their hashed email, phone or LINE id) and keep everyone
else's, in order; a dead-letter queue that does not exist is skipped."""

from __future__ import annotations

import asyncio
import uuid

import aio_pika
import orjson
import pytest
from kithelpers import queue_depth

from crmkit.events import CloudEvent
from crmkit.messaging import ARCHIVE_QUEUE, Broker
from crmkit.privacy import Person, dead_letter_queues, match_key, purge_archive, request_hashes

SECRET = "privacy-queues-test-secret"


@pytest.mark.unit
def test_dead_letter_queues_are_the_services_consumers():
    assert dead_letter_queues(["leads", "gateway"]) == ["leads.projections.dlq",
                                                        "gateway.projections.dlq"]


async def _bodies(url: str, queue: str) -> list[dict]:
    """The queue's messages, read and handed back (the channel closes unacknowledged)."""
    conn = await aio_pika.connect(url)
    try:
        channel = await conn.channel()
        q = await channel.declare_queue(queue, passive=True)
        got = []
        for _ in range(q.declaration_result.message_count or 0):
            message = await q.get(no_ack=False, fail=False)
            if message is None:
                break
            got.append(orjson.loads(message.body))
        await channel.close()
    finally:
        await conn.close()
    return got


@pytest.mark.integration
async def test_the_person_leaves_the_archive_and_the_dead_letter_queues(make_vhost,
                                                                        monkeypatch):
    url = make_vhost("privacy-queues")
    monkeypatch.setenv("TIDTAM_AMQP_URL", url)
    tenant, other_tenant = str(uuid.uuid4()), str(uuid.uuid4())
    lead_id, someone = str(uuid.uuid4()), str(uuid.uuid4())
    email = f"pdpa-{uuid.uuid4().hex[:6]}@example.co.th"
    events = [
        CloudEvent(source="/services/leads", type="lead.created", tenantid=tenant,
                   subject=lead_id, data={"id": lead_id, "name": "คุณลบได้"}),
        CloudEvent(source="/services/capture", type="lead.captured", tenantid=tenant,
                   subject=str(uuid.uuid4()), data={"name": "x", "email": email.upper()}),
        CloudEvent(source="/services/leads", type="lead.created", tenantid=tenant,
                   subject=someone, data={"id": someone, "name": "คนอื่น"}),
        # the same email in another tenant is another tenant's data subject
        CloudEvent(source="/services/capture", type="lead.captured", tenantid=other_tenant,
                   subject=str(uuid.uuid4()), data={"email": email}),
    ]
    broker = Broker(url, "privacy-test")  # declares the archive
    await broker.start(wait=10)
    try:
        for event in events:
            await broker.publish(event)
    finally:
        await broker.stop()
    dlq = "leads.projections.dlq"
    conn = await aio_pika.connect(url)
    try:
        channel = await conn.channel(publisher_confirms=True)
        await channel.declare_queue(dlq, durable=True, arguments={"x-queue-type": "quorum"})
        for event in events:
            await channel.default_exchange.publish(
                aio_pika.Message(event.to_bytes(), message_id=event.id), routing_key=dlq)
    finally:
        await conn.close()
    for _ in range(50):
        if await queue_depth(url, ARCHIVE_QUEUE) == 4 and await queue_depth(url, dlq) == 4:
            break
        await asyncio.sleep(0.1)

    hashes = request_hashes(SECRET, email=email, phone=None, line_id=None)
    person = Person(match_key(SECRET), hashes["email_hash"], None, None,
                    frozenset({uuid.UUID(lead_id)}))
    removed = await purge_archive(person, tenant,
                                  [dlq, "nobody.projections.dlq", "capture.projections.dlq"])
    assert removed == 4  # two from the archive, two from the dead letters
    kept = [events[2].id, events[3].id]
    for queue in (ARCHIVE_QUEUE, dlq):
        for _ in range(50):  # the others come back to the queue
            if await queue_depth(url, queue) == 2:
                break
            await asyncio.sleep(0.1)
        assert [e["id"] for e in await _bodies(url, queue)] == kept, queue
