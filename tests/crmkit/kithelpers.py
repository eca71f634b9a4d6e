"""Helpers shared by the kit's event tests (imported as a plain module: no conftest import)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import ClassVar

import aio_pika
import sqlalchemy as sa

from crmkit.consumer import Consumer, Delivery, on
from crmkit.context import tenant_from_event
from crmkit.db import tenant_session
from crmkit.events import CloudEvent
from crmkit.metrics import EVENTS_CONSUMED
from crmkit.outbox import stage
from tidtam_contracts import EventData


def widget_event(tenant: uuid.UUID, name: str, type_: str = "widget.created",
                 **data) -> CloudEvent:
    return CloudEvent(source="/services/kit", type=type_, subject=name, tenantid=str(tenant),
                      data={"name": name, **data})


async def stage_committed(maker, events: list[CloudEvent]) -> None:
    """Stage events the way request code does: in a tenant transaction that commits."""
    by_tenant: dict[str, list[CloudEvent]] = {}
    for e in events:
        by_tenant.setdefault(e.tenantid, []).append(e)
    for tenant, group in by_tenant.items():
        async with tenant_session(maker, tenant_from_event(tenant)) as s, s.begin():
            for e in group:
                await stage(s, e)


async def eventually(check: Callable[[], Awaitable[bool] | bool], timeout: float,
                     what: str, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(interval)


async def unsent(engine) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(
            sa.text("SELECT count(*) FROM outbox WHERE sent_at IS NULL"))).scalar_one()


async def queue_depth(amqp_url: str, name: str) -> int:
    conn = await aio_pika.connect(amqp_url)
    try:
        channel = await conn.channel()
        queue = await channel.declare_queue(name, passive=True)
        return queue.declaration_result.message_count
    finally:
        await conn.close()



def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


class Widget(EventData):
    """The kit tests' own contract (not in tidtam_contracts): each test makes a subclass
    with a type of its own (`widget_contract`), so tests do not share queues or bindings."""

    VERSION: ClassVar[str] = "1"

    name: str
    poison: bool = False


def widget_contract(kind: str) -> type[Widget]:
    return type(f"Widget_{kind}", (Widget,), {"TYPE": f"{kind}.created",
                                                "__module__": __name__})


def widget_consumer(app_maker, kind: str, calls: list | None = None, **kw) -> Consumer:
    kw.setdefault("retry_delay", 0.02)  # production waits 0.5 s, doubling; tests need not

    async def on_created(session, event: Delivery[Widget]) -> None:
        if calls is not None:
            calls.append(event.id)
        if event.data.poison:
            raise RuntimeError("this handler always fails on poison")
        # Through RLS: the session is scoped to the event's tenant, so WITH CHECK holds.
        await session.execute(
            sa.text("INSERT INTO widgets (tenant_id, event_id, name) VALUES (:t, :e, :n)"),
            {"t": event.tenant.value, "e": event.id, "n": event.data.name})

    return Consumer(unique("kit.t"), [on(widget_contract(kind), on_created)], app_maker, "kit",
                    bindings=[f"{kind}.#"], catalogue=None, **kw)


async def widgets_of(owner_engine, event_id: str) -> int:
    async with owner_engine.connect() as c:
        return (await c.execute(sa.text("SELECT count(*) FROM widgets WHERE event_id = :e"),
                                {"e": event_id})).scalar_one()


def consumed(consumer: Consumer, type_: str, outcome: str) -> float:
    return EVENTS_CONSUMED.labels("kit", consumer.name, type_, outcome)._value.get()
