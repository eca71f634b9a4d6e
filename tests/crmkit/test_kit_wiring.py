"""A service wired as services are: Broker + OutboxRelay + Consumer in the FastAPI lifespan.
The correlation id of the HTTP request travels into the event and into the consumer."""

from __future__ import annotations

import uuid

import aio_pika
import httpx
import pytest
import sqlalchemy as sa
from kithelpers import eventually, unique

from crmkit import logging as klogging
from crmkit.config import DEV_CONTEXT_SECRET, ServiceSettings
from crmkit.consumer import Consumer
from crmkit.context import HEADER, sign_context
from crmkit.db import create_engine, sessionmaker
from crmkit.deps import Ctx, Db
from crmkit.events import CloudEvent
from crmkit.messaging import Broker
from crmkit.outbox import OutboxRelay, stage
from crmkit.runtime import EventWorkers, relay_engine, service_lifespan
from crmkit.web import create_app

pytestmark = pytest.mark.integration


def build_app(settings: ServiceSettings, kind: str, seen: list):
    engine = create_engine(settings.database_url, pool_size=3, max_overflow=2)
    maker = sessionmaker(engine)
    broker = Broker.from_settings(settings)
    relay = OutboxRelay(settings.service_name, relay_engine(settings.relay_database_url),
                        broker, settings.outbox_sweep_seconds)
    consumer = Consumer(unique("wiring"), [f"{kind}.*"], maker, settings.service_name)

    @consumer.handler(f"{kind}.created")
    async def on_created(session, event: CloudEvent, tenant):
        seen.append((event.id, klogging.correlation_id.get(), tenant.value))

    lifespan = service_lifespan(settings, engine, maker,
                                EventWorkers(broker, relay, (consumer,)))

    app = create_app(service="kit", title="kit", lifespan=lifespan,
                     ready_checks=[broker.ready_check])

    @app.post("/api/v1/widgets", status_code=201)
    async def create_widget(ctx: Ctx, db: Db):
        result = await db.execute(sa.text(
            "INSERT INTO widgets (tenant_id, name) VALUES (:t, 'w') RETURNING id"),
            {"t": ctx.tenant.value})
        widget_id = result.scalar_one()
        event = CloudEvent(source="/services/kit", type=f"{kind}.created",
                           subject=str(widget_id), tenantid=str(ctx.tenant),
                           data={"id": widget_id})
        await stage(db, event)  # same transaction as the insert; Db commits at the edge
        return {"event_id": event.id}

    return app, consumer


async def test_lifespan_wiring_and_correlation_id(kitdb, owner_engine, amqp_url,
                                                  event_capture):
    kind = unique("wwire")
    settings = ServiceSettings(service_name="kit", database_url=kitdb.app_url,
                               amqp_url=amqp_url, outbox_sweep_seconds=0.5)
    seen: list = []
    app, consumer = build_app(settings, kind, seen)
    tenant = uuid.uuid4()
    token = sign_context(DEV_CONTEXT_SECRET, tenant_id=tenant, user_id=uuid.uuid4(),
                         role="admin", team_id=None, lead_visibility="all",
                         team_member_ids=[], settings={})
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://kit") as client:

                async def ready() -> bool:
                    return (await client.get("/readyz")).status_code == 200

                await eventually(ready, 15, "/readyz")
                r = await client.post("/api/v1/widgets", headers={
                    HEADER: token, "X-Correlation-ID": "req-42"})
                assert r.status_code == 201, r.text
                event_id = r.json()["event_id"]
                published = await event_capture.assert_published(
                    f"{kind}.created", lambda e: e["id"] == event_id)
                assert published["correlationid"] == "req-42"
                assert published["tenantid"] == str(tenant)
                await eventually(lambda: bool(seen), 10, "the consumer")
                assert seen == [(event_id, "req-42", tenant)]
    finally:
        await _delete_queues(amqp_url, consumer)


async def _delete_queues(amqp_url: str, consumer: Consumer) -> None:
    conn = await aio_pika.connect(amqp_url)
    channel = await conn.channel()
    for name in (consumer.queue_name, consumer.dlq_name):
        await channel.queue_delete(name)
    await conn.close()
