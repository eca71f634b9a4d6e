"""The delivery worker in this process on its own database, with a test clock and a
resolver hook: the retry schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then the
endpoint disabled and `webhook.disabled` staged), a killed worker's claim coming back after
the lease, the per-endpoint cap, the SSRF guard at delivery (each vector, and a name that
resolved to a public address at save and to loopback at delivery), the connection made to
the checked address with the name in `Host`, and the previous secret's 24 hours."""

from __future__ import annotations

import ipaddress
import uuid
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from notif_support import NOTIFICATIONS_DIR, RECEIVER_HOSTS
from standardwebhooks import Webhook
from test_webhooks_api import VECTORS

from crmkit.consumer import Delivery
from crmkit.context import tenant_from_event
from crmkit.db import autocommit, create_engine, driver, sessionmaker, tenant_session
from crmkit.events import CloudEvent
from crmkit.testing.receiver import HttpReceiver
from crmkit.testing.tenants import pg_dsn
from tidtam_notifications.config import NotificationsSettings
from tidtam_notifications.webhooks import fanout, repository
from tidtam_notifications.webhooks.signing import new_secret
from tidtam_notifications.webhooks.ssrf import AllowList, check_url
from tidtam_notifications.webhooks.worker import SCHEDULE, WebhookWorker

pytestmark = pytest.mark.integration


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def wh_db(make_service_db):
    return make_service_db("notifwh", NOTIFICATIONS_DIR)


@pytest.fixture
async def maker(wh_db):
    conn = await asyncpg.connect(pg_dsn(wh_db.owner_url))
    await conn.execute("DELETE FROM webhook_endpoints; DELETE FROM outbox")
    await conn.close()
    engine = create_engine(wh_db.app_url, pool_size=5, max_overflow=5)
    yield sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def clock():
    """A minute ahead: rows made now (due at the database's now()) are due at once."""
    return Clock(datetime.now(UTC) + timedelta(minutes=1))


@pytest.fixture
async def workers(maker, clock):
    made: list[WebhookWorker] = []

    def make(resolver=None, **env) -> WebhookWorker:
        settings = NotificationsSettings(TIDTAM_WEBHOOK_ALLOW_HOSTS=RECEIVER_HOSTS,
                                         TIDTAM_WEBHOOK_TIMEOUT_SECONDS=5,
                                         TIDTAM_WEBHOOK_LEASE_SECONDS=20, **env)
        kw = {"resolver": resolver} if resolver else {}
        made.append(WebhookWorker(settings, maker, None, clock=clock, **kw))
        return made[-1]

    yield make
    for w in made:
        await w.stop()


@pytest.fixture
async def receiver():
    made: list[HttpReceiver] = []

    async def make(host: str = "127.0.0.2", **behaviour) -> HttpReceiver:
        made.append(await HttpReceiver(host, **behaviour).start())
        return made[-1]

    yield make
    for r in made:
        await r.stop()


async def endpoint(maker, url: str, tenant=None) -> tuple:
    """An endpoint stored as it is (no check at save: the URL may have become unsafe) with
    one lead.created delivery; (tenant, endpoint id, delivery id, secret)."""
    tenant = tenant or tenant_from_event(str(uuid.uuid4()))
    secret = new_secret()
    event = CloudEvent(source="/services/leads", type="lead.created", subject="x",
                       tenantid=str(tenant.value), sequence=3, data={"name": "ลีด"})
    async with tenant_session(maker, tenant) as s, s.begin():
        row = await repository.insert_endpoint(s, tenant, {"url": url, "events": ["*"],
                                                           "secret": secret})
        d = await repository.insert_delivery(s, tenant, row["id"],
                                             event_id=uuid.UUID(event.id),
                                             event_type=event.type,
                                             body=event.to_bytes().decode())
    return tenant, row["id"], d["id"], secret


async def state(maker, tenant, endpoint_id, delivery_id=None):
    async with tenant_session(maker, tenant) as s, s.begin():
        hook = await repository.endpoint(s, tenant, endpoint_id)
        rows, _ = await repository.deliveries_page(s, tenant, endpoint_id, limit=100,
                                                   cursor=None, status=None)
    found = [r for r in rows if delivery_id in (None, r["id"])]
    return hook, found[0] if found else None


async def run(worker: WebhookWorker) -> int:
    claimed = await worker.pump()
    await worker.drain()
    return claimed


async def outbox_types(wh_db) -> list[str]:
    conn = await asyncpg.connect(pg_dsn(wh_db.owner_url))
    try:
        return [r[0] for r in await conn.fetch("SELECT event_type FROM outbox")]
    finally:
        await conn.close()


async def test_the_retry_schedule_then_disabled(maker, workers, clock, receiver, wh_db):
    rx = await receiver(status=503)
    tenant, hook_id, delivery_id, _ = await endpoint(maker, rx.url())
    worker = workers()
    waits = []
    for attempt in range(1, len(SCHEDULE) + 1):
        assert await run(worker) == 1
        _, d = await state(maker, tenant, hook_id, delivery_id)
        assert d["status"] == "pending" and d["attempts"] == attempt
        assert d["response_code"] == 503 and d["last_error"] == "answered 503"
        waits.append(d["next_attempt_at"] - clock.now)
        clock.now = d["next_attempt_at"] - timedelta(seconds=1)
        assert await run(worker) == 0  # not due yet
        clock.now = d["next_attempt_at"]
    assert waits == list(SCHEDULE)
    assert [timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30),
            timedelta(hours=2), timedelta(hours=5), timedelta(hours=10),
            timedelta(hours=10)] == waits
    assert await outbox_types(wh_db) == []
    assert await run(worker) == 1  # the 8th attempt, the last
    hook, d = await state(maker, tenant, hook_id, delivery_id)
    assert d["status"] == "failed" and d["attempts"] == 8 and d["next_attempt_at"] is None
    assert hook["enabled"] is False and "8 attempts failed" in hook["disabled_reason"]
    assert await outbox_types(wh_db) == ["webhook.disabled"]
    assert len(rx.received) == 8
    clock.now += timedelta(days=3)
    assert await run(worker) == 0  # nothing more goes to a disabled endpoint


async def test_a_killed_workers_claim_returns_after_the_lease(maker, workers, clock, receiver):
    rx = await receiver()
    tenant, hook_id, delivery_id, _ = await endpoint(maker, rx.url())
    async with autocommit(maker) as conn:  # a worker claims it, then dies (never settles)
        assert len(await repository.claim(conn, now=clock.now, limit=10, lease_seconds=20,
                                          per_endpoint=4)) == 1
    worker = workers()
    clock.now += timedelta(seconds=19)
    assert await run(worker) == 0
    clock.now += timedelta(seconds=2)
    assert await run(worker) == 1
    _, d = await state(maker, tenant, hook_id, delivery_id)
    assert d["status"] == "delivered" and d["attempts"] == 2 and len(rx.received) == 1


async def test_a_busy_endpoint_gets_no_more_than_its_share(maker, workers, receiver):
    slow = await receiver(delay=3)
    fast = await receiver()
    tenant, slow_id, _, _ = await endpoint(maker, slow.url())
    for _ in range(4):
        await endpoint(maker, slow.url(), tenant)  # more endpoints of the same receiver
    async with tenant_session(maker, tenant) as s, s.begin():
        for _ in range(5):
            await repository.insert_delivery(s, tenant, slow_id, event_id=uuid.uuid4(),
                                             event_type="lead.created", body="{}")
    await endpoint(maker, fast.url())
    worker = workers(TIDTAM_WEBHOOK_ENDPOINT_CONCURRENCY=2)
    assert await worker.pump() == 2 + 4 + 1  # the slow endpoint's 6: only 2 of them
    await fast.wait_for(1, timeout=2)
    assert await worker.pump() == 0  # the busy endpoint is skipped while 2 are in flight


async def test_the_ssrf_vectors_are_refused_at_delivery(maker, workers, receiver):
    internal = await receiver("127.0.0.1")
    urls = [*VECTORS, internal.url()]
    made = [await endpoint(maker, url) for url in urls]
    worker = workers()
    assert await run(worker) == len(urls)
    for url, (tenant, hook_id, delivery_id, _) in zip(urls, made, strict=True):
        _, d = await state(maker, tenant, hook_id, delivery_id)
        assert d["status"] == "pending" and d["last_error"].startswith("refused: the URL"), url
        assert d["response_code"] is None
    assert internal.received == []


def resolver_to(address: str):
    async def resolve(host: str, port: int):
        return [ipaddress.ip_address(address)]
    return resolve


async def test_a_name_that_now_resolves_to_loopback_is_refused(maker, workers, receiver):
    internal = await receiver("127.0.0.1")
    url = f"http://hooks.example.test:{internal.port}/in"
    await check_url(url, AllowList.parse(""), resolver_to("93.184.215.14"))  # at save
    tenant, hook_id, delivery_id, _ = await endpoint(maker, url)
    assert await run(workers(resolver_to("127.0.0.1"))) == 1  # DNS changed since
    _, d = await state(maker, tenant, hook_id, delivery_id)
    assert "loopback" in d["last_error"] and internal.received == []


async def test_it_connects_to_the_checked_address_with_the_name_as_host(maker, workers,
                                                                       receiver):
    rx = await receiver()
    url = f"http://hooks.example.test:{rx.port}/in"  # no such name in real DNS
    tenant, hook_id, delivery_id, secret = await endpoint(maker, url)
    assert await run(workers(resolver_to("127.0.0.2"))) == 1
    [got] = rx.received
    assert got.headers["host"] == f"hooks.example.test:{rx.port}" and got.path == "/in"
    assert Webhook(secret).verify(got.body, got.headers)["sequence"] == 3
    _, d = await state(maker, tenant, hook_id, delivery_id)
    assert d["status"] == "delivered"


async def test_the_previous_secret_signs_for_24_hours(maker, workers, clock, receiver):
    rx = await receiver()
    tenant, hook_id, delivery_id, old = await endpoint(maker, rx.url())
    new = new_secret()
    async with tenant_session(maker, tenant) as s, s.begin():
        await repository.rotate(s, tenant, hook_id, secret=new,
                                previous_until=clock.now + timedelta(hours=24))
    worker = workers()
    await run(worker)
    clock.now += timedelta(hours=24, seconds=1)
    async with tenant_session(maker, tenant) as s, s.begin():
        await repository.delivery(s, tenant, hook_id, delivery_id)
        await repository.schedule_again(s, tenant, delivery_id)
    clock.now += timedelta(seconds=1)
    await run(worker)
    during, after = rx.received
    assert Webhook(new).verify(during.body, during.headers)
    assert Webhook(old).verify(during.body, during.headers)
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    assert Webhook(new).verify(after.body, after.headers)
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(old).verify(after.body, after.headers)


async def test_a_batch_is_fanned_out_and_recorded_in_one_statement(maker, wh_db):
    """The consumer's handlers only note the events; `flush` (its before_commit) keeps a
    batch's events in the feed, in arrival order, and schedules each for the endpoints
    whose patterns take it, in one statement; the batch again adds nothing."""
    tenant = tenant_from_event(str(uuid.uuid4()))
    async with tenant_session(maker, tenant) as s, s.begin():
        leads = await repository.insert_endpoint(s, tenant, {
            "url": "http://127.0.0.2:9/leads", "events": ["lead.*"], "secret": new_secret()})
        every = await repository.insert_endpoint(s, tenant, {
            "url": "http://127.0.0.2:9/all", "events": ["*"], "secret": new_secret()})
        await repository.insert_endpoint(s, tenant, {
            "url": "http://127.0.0.2:9/off", "events": ["*"], "secret": new_secret(),
            "enabled": False})
    events = [CloudEvent(source="/services/leads", type=t, subject=str(n),
                         tenantid=str(tenant.value), sequence=1, data={"n": n})
              for n, t in enumerate(["lead.created", "account.created", "lead.updated"])]
    batch = [Delivery(None, e, tenant) for e in events]
    for again in (False, True):  # the second time: a redelivered batch
        async with tenant_session(maker, tenant) as s, s.begin():
            for d in batch:
                await fanout.record_and_fan_out(s, d)
            conn = await driver(s)
            # Noted only, not yet recorded (the tenant's session sees its own rows).
            assert await conn.fetchval("SELECT count(*) FROM feed_events") == (3 if again else 0)
            await fanout.flush(s)
            await fanout.flush(s)  # nothing left to record
    owner = await asyncpg.connect(pg_dsn(wh_db.owner_url))
    try:
        feed = await owner.fetch("SELECT event_id, event->>'type' AS type FROM feed_events "
                                 "WHERE tenant_id = $1 ORDER BY seq", tenant.value)
        rows = await owner.fetch("SELECT endpoint_id, event_id, body FROM webhook_deliveries "
                                 "WHERE tenant_id = $1", tenant.value)
    finally:
        await owner.close()
    assert [str(r["event_id"]) for r in feed] == [e.id for e in events]
    got = {(r["endpoint_id"], str(r["event_id"])) for r in rows}
    assert got == {(leads["id"], events[0].id), (leads["id"], events[2].id),
                   *((every["id"], e.id) for e in events)}
    assert {r["body"] for r in rows} == {e.to_bytes().decode() for e in events}


async def _consume(maker, tenant, event: CloudEvent, *, fail: bool = False) -> None:
    """One event through the consumer's handler and before_commit, as the consumer runs
    them (committed; rolled back with `fail`)."""
    with suppress(RuntimeError):
        async with tenant_session(maker, tenant) as s, s.begin():
            await fanout.record_and_fan_out(s, Delivery(None, event, tenant))
            await fanout.flush(s)
            if fail:
                raise RuntimeError("the consumer's transaction fails")


async def test_sent_straight_from_the_consumer_once_committed(maker, workers, clock,
                                                             receiver):
    """A started worker sends the consumer's deliveries itself after the commit (no claim):
    signed, attempt 1, delivered. A failed one is on the retry schedule, and its endpoint's
    next delivery waits for the worker's claim (`pending`) while the healthy endpoint's goes
    straight away; a rolled-back transaction sends nothing and frees its slots."""
    clock.now = datetime.now(UTC)
    rx, down = await receiver(), await receiver(status=503)
    tenant = tenant_from_event(str(uuid.uuid4()))
    secret = new_secret()
    async with tenant_session(maker, tenant) as s, s.begin():
        ok = await repository.insert_endpoint(s, tenant, {
            "url": rx.url(), "events": ["lead.*"], "secret": secret})
        bad = await repository.insert_endpoint(s, tenant, {
            "url": down.url(), "events": ["lead.*"], "secret": new_secret()})
    worker = workers(TIDTAM_WEBHOOK_POLL_SECONDS=3600)
    await worker.start()
    first, second, third = (CloudEvent(source="/services/leads", type="lead.created",
                                       subject=str(n), tenantid=str(tenant.value),
                                       sequence=1, data={"n": n}) for n in range(3))
    await _consume(maker, tenant, first)
    await rx.wait_for(1)
    await down.wait_for(1)
    await worker.drain()
    assert Webhook(secret).verify(rx.received[0].body, rx.received[0].headers)["id"] == first.id
    _, d = await state(maker, tenant, ok["id"])
    assert d["status"] == "delivered" and d["attempts"] == 1
    _, d = await state(maker, tenant, bad["id"])
    assert d["status"] == "pending" and d["attempts"] == 1 and d["response_code"] == 503

    await _consume(maker, tenant, second)
    await rx.wait_for(2)
    await worker.drain()
    hook, d = await state(maker, tenant, bad["id"])
    assert d["event_id"] == uuid.UUID(second.id)
    assert d["status"] == "pending" and d["attempts"] == 0  # for the worker's claim
    assert len(down.received) == 1

    await _consume(maker, tenant, third, fail=True)
    room = worker.room()
    assert room.free == worker.settings.webhook_concurrency
    assert room.busy == {bad["id"]: worker.settings.webhook_endpoint_concurrency}
    _, d = await state(maker, tenant, ok["id"])
    assert d["event_id"] == uuid.UUID(second.id) and len(rx.received) == 2
