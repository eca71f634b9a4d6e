"""The consumer base: idempotent handling of events from a service's quorum queue.

For each delivery, in ONE transaction scoped to the event's tenant (so RLS applies):
insert `(consumer, event_id)` into `processed_events` (ON CONFLICT DO NOTHING); if it was
already there the event is a duplicate (redelivery, or a relay that crashed between publish
and mark-sent) and is skipped; otherwise the handler runs. Commit, then ack.

- A handler that raises: rollback, wait a growing delay (so a database blip does not burn
  the delivery limit in milliseconds), then nack with requeue. The quorum queue counts
  deliveries (`x-delivery-count`) and dead-letters the message after `x-delivery-limit`, so
  it is never lost and never loops.
- A body that is not a CloudEvent (or has no valid id/tenant): rejected to the DLQ at once;
  retrying cannot fix it.
- A type with no handler (a wildcard binding caught more than we handle): ack and ignore.
- Ack after commit: a crash in between redelivers the event, and the record above skips it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from contextlib import suppress

import sqlalchemy as sa
from aio_pika.abc import AbstractIncomingMessage
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from . import logging as klogging
from .context import TenantId, tenant_from_event
from .db import tenant_session
from .events import CloudEvent
from .logging import log as klog
from .metrics import EVENTS_CONSUMED, EVENTS_FAILED
from .schema import kit_tables

logger = logging.getLogger("crmkit.consumer")

_, PROCESSED = kit_tables(sa.MetaData())

Handler = Callable[[AsyncSession, CloudEvent, TenantId], Awaitable[None]]


class Consumer:
    """A named consumer: its queue, its bindings and its handlers by event type.

    `name` is the queue name, `<service>.<consumer>` (the service prefix is added when
    missing). `concurrency` bounds handlers running at once (1 keeps delivery order)."""

    def __init__(self, name: str, bindings: list[str],
                 sessionmaker: async_sessionmaker[AsyncSession],
                 service: str, *, prefetch: int | None = None,
                 delivery_limit: int | None = None, concurrency: int = 1,
                 retry_delay: float = 0.5, retry_delay_max: float = 10.0):
        self.service = service
        self.name = name if name.startswith(f"{service}.") else f"{service}.{name}"
        self.bindings = list(bindings)
        self.sessionmaker = sessionmaker
        self.prefetch = prefetch
        self.delivery_limit = delivery_limit
        self.retry_delay = retry_delay
        self.retry_delay_max = retry_delay_max
        self._handlers: dict[str, Handler] = {}
        self._slots = asyncio.Semaphore(concurrency)
        self._inflight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def queue_name(self) -> str:
        return self.name

    @property
    def dlq_name(self) -> str:
        return f"{self.name}.dlq"

    def handler(self, type_: str) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            if type_ in self._handlers:
                raise ValueError(f"{self.name} already handles {type_}")
            self._handlers[type_] = fn
            return fn

        return register

    async def drain(self, timeout: float) -> None:
        """Wait (bounded) until no handler is running; used on shutdown."""
        with suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._idle.wait()

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        self._inflight += 1
        self._idle.clear()
        try:
            async with self._slots:
                await self._process(message)
        finally:
            self._inflight -= 1
            if self._inflight == 0:
                self._idle.set()

    async def _process(self, message: AbstractIncomingMessage) -> None:
        try:
            event = CloudEvent.from_bytes(message.body)
            event_id = uuid.UUID(event.id)
            tenant = tenant_from_event(event.tenantid)
        except Exception as exc:  # anything unparseable is poison
            klog(logger, logging.ERROR, "unparseable message rejected to the dead-letter queue",
                 consumer=self.name, message_id=message.message_id, error=repr(exc)[:500])
            EVENTS_FAILED.labels(self.service, self.name, "unparseable").inc()
            await _settle(message.reject(requeue=False))
            return
        handler = self._handlers.get(event.type)
        if handler is None:
            EVENTS_CONSUMED.labels(self.service, self.name, event.type, "ignored").inc()
            await _settle(message.ack())
            return
        token = klogging.correlation_id.set(event.correlationid or event.id)
        try:
            applied = await self._apply(handler, event, event_id, tenant)
        except Exception as exc:  # redelivered, never lost
            EVENTS_FAILED.labels(self.service, self.name, event.type).inc()
            count = _delivery_count(message)
            delay = min(self.retry_delay * 2 ** count, self.retry_delay_max)
            klog(logger, logging.ERROR, "event handler failed; message requeued",
                 consumer=self.name, event_id=event.id, event_type=event.type,
                 delivery_count=count, retry_in=delay, error=repr(exc)[:1000])
            await asyncio.sleep(delay)
            await _settle(message.nack(requeue=True))
            return
        finally:
            klogging.correlation_id.reset(token)
        outcome = "applied" if applied else "duplicate"
        EVENTS_CONSUMED.labels(self.service, self.name, event.type, outcome).inc()
        await _settle(message.ack())

    async def _apply(self, handler: Handler, event: CloudEvent, event_id: uuid.UUID,
                     tenant: TenantId) -> bool:
        async with tenant_session(self.sessionmaker, tenant) as session:
            async with session.begin():
                recorded = await session.execute(
                    pg_insert(PROCESSED)
                    .values(consumer=self.name, event_id=event_id, event_type=event.type)
                    .on_conflict_do_nothing()
                    .returning(PROCESSED.c.event_id)
                )
                if recorded.first() is None:
                    return False
                await handler(session, event, tenant)
            return True


def _delivery_count(message: AbstractIncomingMessage) -> int:
    """Earlier failed deliveries, as counted by the quorum queue (absent on the first)."""
    count = (message.headers or {}).get("x-delivery-count")
    if isinstance(count, int | str):
        with suppress(ValueError):
            return int(count)
    return 0


async def _settle(op: Awaitable[None]) -> None:
    """Ack/nack/reject on a channel that may have just died: the broker then redelivers the
    message itself, and the processed_events record keeps that harmless."""
    try:
        await op
    except Exception as exc:
        klog(logger, logging.WARNING, "could not settle a delivery (channel lost?)",
             error=repr(exc))
