"""A service made by the kit's one app builder (crmkit.runtime.build_service), as services are.
The correlation id of the HTTP request travels into the event and into the consumer."""

from __future__ import annotations

import uuid

import aio_pika
import httpx
import pytest
import sqlalchemy as sa
from fastapi import APIRouter
from kithelpers import Widget, eventually, unique, widget_contract

from crmkit import logging as klogging
from crmkit.config import DEV_CONTEXT_SECRET, ServiceSettings
from crmkit.consumer import Delivery, on
from crmkit.context import HEADER, sign_context
from crmkit.deps import Ctx, Db
from crmkit.events import EventSource
from crmkit.outbox import stage
from crmkit.runtime import build_service

pytestmark = pytest.mark.integration


def build_app(settings: ServiceSettings, kind: str, seen: list):
    """A service made by the kit's one builder, with a widget contract of its own."""
    contract = widget_contract(kind)
    consumer_name = unique("wiring")

    async def on_created(session, event: Delivery[Widget]) -> None:
        seen.append((event.id, klogging.correlation_id.get(), event.tenant.value))

    router = APIRouter()
    events = EventSource(settings.service_name, [contract], catalogue=None)

    @router.post("/api/v1/widgets", status_code=201)
    async def create_widget(ctx: Ctx, db: Db):
        result = await db.execute(sa.text(
            "INSERT INTO widgets (tenant_id, name) VALUES (:t, 'w') RETURNING id"),
            {"t": ctx.tenant.value})
        widget_id = result.scalar_one()
        event = events.event(contract(name="w"), tenant_id=ctx.tenant.value,
                             subject=str(widget_id))
        await stage(db, event)  # same transaction as the insert; Db commits at the edge
        return {"event_id": event.id}

    app = build_service(settings, title="kit", routers=[router], events=events,
                        handlers=[on(contract, on_created)], consumer=consumer_name,
                        catalogue=None)
    return app, f"{settings.service_name}.{consumer_name}"


async def test_lifespan_wiring_and_correlation_id(kitdb, owner_engine, amqp_url,
                                                  event_capture):
    kind = unique("wwire")
    settings = ServiceSettings(service_name="kit", database_url=kitdb.app_url,
                               amqp_url=amqp_url, outbox_sweep_seconds=0.5)
    seen: list = []
    app, queue = build_app(settings, kind, seen)
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
        await _delete_queues(amqp_url, queue)


async def _delete_queues(amqp_url: str, queue: str) -> None:
    conn = await aio_pika.connect(amqp_url)
    channel = await conn.channel()
    for name in (queue, f"{queue}.dlq"):
        await channel.queue_delete(name)
    await conn.close()
