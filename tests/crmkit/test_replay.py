"""Replaying archived events (crmkit.replay) on a real broker: copies go to one queue, in
archive order, filtered by type, tenant and time; the archive keeps every message."""

from __future__ import annotations

import asyncio
import sys
import uuid
from datetime import UTC, datetime

import aio_pika
import orjson
import pytest
from kithelpers import queue_depth

from crmkit.events import CloudEvent
from crmkit.messaging import ARCHIVE_QUEUE, Broker
from crmkit.replay import Selection, binding_matches, replay


@pytest.mark.unit
@pytest.mark.parametrize("pattern, key, expected", [
    ("#", "lead.created", True), ("lead.#", "lead.created", True), ("lead.#", "lead", True),
    ("lead.*", "lead.created", True), ("*.created", "account.created", True),
    ("lead.*", "lead", False), ("lead.#", "leads.created", False),
    ("#.created", "lead.created", True), ("#.created", "lead.updated", False),
    ("lead.created", "lead.created", True), ("lead.created", "lead.created.x", False),
])
def test_binding_patterns_match_as_the_broker_does(pattern, key, expected):
    assert binding_matches(pattern.split("."), key.split(".")) is expected


async def _drain(url: str, queue: str) -> list[dict]:
    conn = await aio_pika.connect(url)
    got = []
    try:
        channel = await conn.channel()
        q = await channel.declare_queue(queue, passive=True)
        while (message := await q.get(no_ack=True, fail=False)) is not None:
            got.append({**orjson.loads(message.body), "_id": message.message_id,
                        "_replay": (message.headers or {}).get("x-tidtam-replay")})
    finally:
        await conn.close()
    return got


@pytest.mark.integration
async def test_replay_copies_matching_events_and_keeps_the_archive(make_vhost):
    url = make_vhost("replay")
    a, b = str(uuid.uuid4()), str(uuid.uuid4())
    old = "2026-01-01T00:00:00+00:00"
    events = [
        CloudEvent(source="/services/leads", type="lead.created", tenantid=a, time=old,
                   subject="1", data={"name": "เก่า"}),
        CloudEvent(source="/services/leads", type="lead.created", tenantid=b, subject="2",
                   data={"name": "บี"}),
        CloudEvent(source="/services/accounts", type="account.created", tenantid=a,
                   subject="3", data={}),
        CloudEvent(source="/services/leads", type="lead.updated", tenantid=a, subject="1",
                   data={"name": "ใหม่"}),
    ]
    broker = Broker(url, "replay-test")  # the real exchange name: the archive is declared
    await broker.start(wait=10)
    try:
        for event in events:
            await broker.publish(event)
    finally:
        await broker.stop()
    conn = await aio_pika.connect(url)
    channel = await conn.channel()
    await channel.declare_queue("crm-sync", durable=True)
    await conn.close()

    done = await replay(url, "crm-sync", Selection(("lead.#",), tenant=a))
    assert (done.read, done.published) == (4, 2)
    got = await _drain(url, "crm-sync")
    assert [(e["type"], e["data"]) for e in got] == [("lead.created", {"name": "เก่า"}),
                                                    ("lead.updated", {"name": "ใหม่"})]
    assert [e["_id"] for e in got] == [events[0].id, events[3].id]  # consumers dedupe on it
    assert all(e["_replay"] is True for e in got)
    for _ in range(50):  # the archive got every message back, in order
        if await queue_depth(url, ARCHIVE_QUEUE) == 4:
            break
        await asyncio.sleep(0.1)
    assert await queue_depth(url, ARCHIVE_QUEUE) == 4

    # again, from the command line: every tenant's events since a time, of two types
    since = datetime(2026, 6, 1, tzinfo=UTC).isoformat()
    cli = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "crmkit.replay", "--to-queue", "crm-sync", "--type", "*.created",
        "--type", "lead.updated", "--since", since, "--amqp-url", url,
        stdout=asyncio.subprocess.PIPE)
    out, _ = await cli.communicate()
    assert cli.returncode == 0
    assert out.decode().strip() == "read 4 archived events, replayed 3 into crm-sync"
    assert [e["_id"] for e in await _drain(url, "crm-sync")] == [e.id for e in events[1:]]

    with pytest.raises(aio_pika.exceptions.ChannelNotFoundEntity):
        await replay(url, "no-such-queue", Selection())
    assert await queue_depth(url, ARCHIVE_QUEUE) == 4
