"""The consumer base: idempotent handling of events from a service's quorum queue.

For each delivery, in ONE transaction scoped to the event's tenant (so RLS applies):
insert `(consumer, event_id)` into `processed_events` (ON CONFLICT DO NOTHING); if it was
already there the event is a duplicate (redelivery, or a relay that crashed between publish
and mark-sent) and is skipped; otherwise the handler runs. Commit, then ack.

- A handler that raises: rollback, wait a growing delay (so a database blip does not burn
  the delivery limit in milliseconds), then nack with requeue. The quorum queue counts
  deliveries (`x-delivery-count`) and dead-letters the message after `x-delivery-limit`, so
  it is never lost and never loops.
- A body that is not a CloudEvent (or has no valid id/tenant), or whose `data` is not valid
  for its contract, or of a `dataversion` newer than this consumer's contracts: rejected to
  the DLQ at once; retrying cannot fix it (a DLQ'd newer version can be shovelled back once
  the consumer is upgraded).
- A type with no handler (a wildcard binding caught more than we handle): ack and ignore.

Handlers are registered for an event contract (tidtam_contracts), the newest version of its
type, in one explicit list per service (`HANDLERS = [on(LeadCreatedV2, fn), ...]`), and
receive the validated model: data of an older version is validated against that version's
model and upcast (`EventData.read`). The queue's bindings are the handlers' types.
- Ack after commit: a crash in between redelivers the event, and the record above skips it.

Concurrency (`concurrency`, TIDTAM_CONSUMER_CONCURRENCY): events of different aggregates are
handled at once, each in its own transaction as above; events of the same aggregate (the
same tenant and `subject`) one after another, in the order they arrived. The order key is
taken before the first await, so arrival order is the order of the broker's deliveries on
the channel. A failed event is requeued as before (it comes back behind what arrived after
it, as it did with one event at a time: receivers order by `sequence`). The channel's
prefetch is at least `4 × concurrency`, so same-aggregate runs do not starve the others.
On stop (`drain`), handlers already running finish and are acked; deliveries still waiting
for their turn are left unsettled and the broker gives them back when the channel closes
(without counting a failed delivery).

Batches (`batch` > 1, TIDTAM_CONSUMER_BATCH): deliveries are taken in arrival order, up to
`batch` at a time (as many as have arrived while the last batch ran: one alone when events
come slowly), and each tenant's share of a batch is handled in ONE transaction: one
statement records every event id (the duplicates skipped as above), the handlers run one
after another in arrival order on the same session, `before_commit` runs (a read model that
gathers its counter changes in the session writes them there: one upsert per counter row per
batch), then commit and ack. A batch whose transaction fails is rolled back and its
deliveries handled again one at a time as above (so one bad event is retried alone and
does not hold the others back). `concurrency` does not apply: one batch runs at a time.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from aio_pika.abc import AbstractIncomingMessage
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tidtam_contracts import CATALOGUE, Catalogue, ContractError, EventData, UnknownVersion
from tidtam_contracts.base import check_contract

from . import logging as klogging
from .context import TenantId, tenant_from_event
from .db import driver, tenant_session
from .events import CloudEvent
from .logging import log as klog
from .metrics import EVENTS_CONSUMED, EVENTS_FAILED
from .schema import kit_tables

logger = logging.getLogger("crmkit.consumer")

_, PROCESSED = kit_tables(sa.MetaData())
# Runs for every event: one prepared statement on the transaction's connection, not one
# SQLAlchemy builds and compiles each time (crmkit.outbox.stage's way).
_RECORD = (f"INSERT INTO {PROCESSED.name} (consumer, event_id, event_type) VALUES ($1, $2, $3) "
           f"ON CONFLICT DO NOTHING RETURNING event_id")
_RECORD_MANY = (f"INSERT INTO {PROCESSED.name} (consumer, event_id, event_type) SELECT $1, e, t "
                f"FROM unnest($2::uuid[], $3::text[]) AS u(e, t) ON CONFLICT DO NOTHING "
                f"RETURNING event_id")

M = TypeVar("M", bound=EventData)


@dataclass(frozen=True)
class Delivery(Generic[M]):
    """What a handler receives: the event's validated data (upcast to the contract the
    handler registered for) with its envelope and tenant."""

    data: M
    envelope: CloudEvent
    tenant: TenantId

    @property
    def id(self) -> str:
        return self.envelope.id

    @property
    def type(self) -> str:
        return self.envelope.type

    @property
    def sequence(self) -> int:
        return self.envelope.sequence

    @property
    def time(self) -> str:
        return self.envelope.time

    @property
    def correlationid(self) -> str | None:
        return self.envelope.correlationid


HandlerFn = Callable[[AsyncSession, Delivery[Any]], Awaitable[None]]
BeforeCommit = Callable[[AsyncSession], Awaitable[None]]


@dataclass(frozen=True)
class Handler(Generic[M]):
    model: type[M]
    fn: Callable[[AsyncSession, Delivery[M]], Awaitable[None]]


def on(model: type[M], fn: Callable[[AsyncSession, Delivery[M]], Awaitable[None]]
       ) -> Handler[M]:
    """`fn` handles the events of `model`'s type (every version, upcast to `model`)."""
    return Handler(model, fn)


def on_each(models: Iterable[type[EventData]], fn: HandlerFn) -> list[Handler[Any]]:
    """One `fn` for several contracts (e.g. user.created/updated)."""
    return [Handler(model, fn) for model in models]


def check_handlers(consumer: str, handlers: Sequence[Handler[Any]],
                   catalogue: Catalogue | None = CATALOGUE) -> dict[str, Handler[Any]]:
    """The handlers by event type; ContractError naming the event type for a handler of
    something that is not a contract, not in the catalogue, not its type's newest version,
    or a type handled twice. Called when the app is built."""
    by_type: dict[str, Handler[Any]] = {}
    for handler in handlers:
        model = check_contract(handler.model)
        if model.TYPE in by_type:
            raise ContractError(f"{consumer} handles {model.TYPE} twice")
        if catalogue is not None:
            catalogue.require_newest(model, consumer, "handles")
        by_type[model.TYPE] = handler
    return by_type


class Consumer:
    """A named consumer: its queue, its bindings and its handlers by event type.

    `name` is the queue name, `<service>.<consumer>` (the service prefix is added when
    missing). `concurrency` bounds handlers running at once; events with the same order key
    (tenant, subject) are handled one at a time in arrival order whatever it is."""

    def __init__(self, name: str, handlers: Sequence[Handler[Any]],
                 sessionmaker: async_sessionmaker[AsyncSession], service: str, *,
                 bindings: Sequence[str] = (), catalogue: Catalogue | None = CATALOGUE,
                 prefetch: int | None = None, delivery_limit: int | None = None,
                 concurrency: int = 1, retry_delay: float = 0.5,
                 retry_delay_max: float = 10.0, batch: int = 1,
                 before_commit: BeforeCommit | None = None):
        self.service = service
        self.name = name if name.startswith(f"{service}.") else f"{service}.{name}"
        self._handlers = check_handlers(self.name, handlers, catalogue)
        # The handlers' types, plus any wider patterns asked for (their other types are
        # acked and ignored).
        self.bindings = list(dict.fromkeys([*self._handlers, *bindings]))
        self.sessionmaker = sessionmaker
        if concurrency < 1:
            raise ValueError(f"{self.name}: concurrency must be at least 1, not {concurrency}")
        if batch < 1:
            raise ValueError(f"{self.name}: batch must be at least 1, not {batch}")
        self.concurrency = concurrency
        self.batch = batch
        self.before_commit = before_commit
        # Batches: deliveries waiting for the next batch, and the task that runs them.
        self._pending: list[tuple[AbstractIncomingMessage, _Parsed | Exception]] = []
        self._batcher: asyncio.Task[None] | None = None
        self._retries: set[asyncio.Task[None]] = set()  # nacks waiting for their delay
        self.prefetch = prefetch
        self.delivery_limit = delivery_limit
        self.retry_delay = retry_delay
        self.retry_delay_max = retry_delay_max
        self._slots = asyncio.Semaphore(concurrency)
        # Per order key, the turn of the last delivery queued for it (a chain of futures).
        self._tails: dict[OrderKey, asyncio.Future[None]] = {}
        self._closing = False
        self._inflight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def prefetch_for(self, default: int) -> int:
        """The channel's prefetch: as asked (or the broker's default), at least four
        deliveries per concurrent slot, and two batches."""
        return max(self.prefetch or default, 4 * self.concurrency,
                   2 * self.batch if self.batch > 1 else 0)

    @property
    def closing(self) -> bool:
        """Draining for a stop: deliveries not yet started are left for the broker."""
        return self._closing

    def open(self) -> None:
        """Take deliveries again (the broker calls it when it attaches the consumer)."""
        self._closing = False

    @property
    def queue_name(self) -> str:
        return self.name

    @property
    def dlq_name(self) -> str:
        return f"{self.name}.dlq"

    async def drain(self, timeout: float) -> None:
        """On shutdown (after consuming was cancelled): wait (bounded) until the handlers
        running now have finished; deliveries not yet started are left for the broker."""
        self._closing = True
        with suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._idle.wait()

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        # No await before the turn is queued: arrival order is the order of this call.
        parsed = _parse(message)
        if self.batch > 1:
            self._pending.append((message, parsed))
            self._inflight += 1
            self._idle.clear()
            if self._batcher is None or self._batcher.done():
                self._batcher = asyncio.create_task(self._run_batches())
            return
        key = parsed.order_key if isinstance(parsed, _Parsed) else None
        before = self._tails.get(key) if key is not None else None
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if key is not None:
            self._tails[key] = turn
        self._inflight += 1
        self._idle.clear()
        try:
            if before is not None and not before.done():
                await asyncio.wait((before,))  # never cancels `before`
            if self._closing:
                return  # unsettled: the broker redelivers it when the channel closes
            async with self._slots:
                if self._closing:
                    return
                retry_in = await self._process(message, parsed)
            if retry_in is not None:  # the slot is free for others meanwhile
                await asyncio.sleep(retry_in)
                await _settle(message.nack(requeue=True))
        finally:
            self._next_turn(key, before, turn)
            self._inflight -= 1
            if self._inflight == 0:
                self._idle.set()

    def _next_turn(self, key: OrderKey | None, before: asyncio.Future[None] | None,
                   turn: asyncio.Future[None]) -> None:
        """Hand the key on. Cancelled while the one before still runs (its channel closed):
        the next waits for that one too, so order holds even then."""
        def pass_on(_f: object = None) -> None:
            if not turn.done():
                turn.set_result(None)
            if key is not None and self._tails.get(key) is turn:
                del self._tails[key]

        if before is not None and not before.done():
            before.add_done_callback(pass_on)
        else:
            pass_on()

    async def _run_batches(self) -> None:
        """Batches of the deliveries waiting, in arrival order, until none is left."""
        while self._pending:
            await asyncio.sleep(0)  # deliveries already read off the socket join this batch
            taken = self._pending[:self.batch]
            del self._pending[:self.batch]
            try:
                if not self._closing:  # else unsettled: the broker gives them back
                    await self._process_batch(taken)
            except Exception as exc:  # never lose the runner: the broker redelivers
                klog(logger, logging.ERROR, "batch runner failed", consumer=self.name,
                     error=repr(exc)[:1000])
            finally:
                self._inflight -= len(taken)
                if self._inflight == 0:
                    self._idle.set()

    async def _process_batch(
            self, taken: list[tuple[AbstractIncomingMessage, _Parsed | Exception]]) -> None:
        """Each tenant's usable deliveries in one transaction, then their acks; what cannot
        be handled settled as one delivery would be; a failed transaction's deliveries
        handled again one at a time."""
        by_tenant: dict[uuid.UUID, list[_Ready]] = {}
        for message, parsed in taken:
            ready = await self._prepare(message, parsed)
            if ready is not None:
                by_tenant.setdefault(ready.delivery.tenant.value, []).append(ready)
        for group in by_tenant.values():
            try:
                applied = await self._apply_batch(group)
            except Exception as exc:
                klog(logger, logging.WARNING, "batch failed; its events handled one at a time",
                     consumer=self.name, events=len(group), error=repr(exc)[:1000])
                for ready in group:
                    retry_in = await self._process(ready.message, ready.parsed)
                    if retry_in is not None:  # later, without holding the next batch
                        task = asyncio.create_task(_nack_later(ready.message, retry_in))
                        self._retries.add(task)
                        task.add_done_callback(self._retries.discard)
                continue
            for ready, done in zip(group, applied, strict=True):
                EVENTS_CONSUMED.labels(self.service, self.name, ready.delivery.type,
                                       "applied" if done else "duplicate").inc()
                await _settle(ready.message.ack())

    async def _apply_batch(self, group: list[_Ready]) -> list[bool]:
        """One tenant's deliveries in one transaction: whether each was applied (False: a
        duplicate, recorded before or earlier in the batch)."""
        async with tenant_session(self.sessionmaker, group[0].delivery.tenant) as session:
            async with session.begin():
                conn = await driver(session)
                new = {r[0] for r in await conn.fetch(
                    _RECORD_MANY, self.name, [r.event_id for r in group],
                    [r.delivery.type for r in group])}
                applied = []
                for ready in group:
                    fresh = ready.event_id in new
                    new.discard(ready.event_id)  # the same event twice in a batch: once
                    applied.append(fresh)
                    if fresh:
                        token = klogging.correlation_id.set(
                            ready.delivery.correlationid or ready.delivery.id)
                        try:
                            await ready.handler.fn(session, ready.delivery)
                        finally:
                            klogging.correlation_id.reset(token)
                if self.before_commit is not None:
                    await self.before_commit(session)
            return applied

    async def _prepare(self, message: AbstractIncomingMessage,
                       parsed: _Parsed | Exception) -> _Ready | None:
        """A delivery's handler and validated data; None when it cannot be handled (then
        it is settled here: rejected to the DLQ, or acked and ignored)."""
        if isinstance(parsed, Exception):  # anything unparseable is poison
            exc = parsed
            klog(logger, logging.ERROR, "unparseable message rejected to the dead-letter queue",
                 consumer=self.name, message_id=message.message_id, error=repr(exc)[:500])
            EVENTS_FAILED.labels(self.service, self.name, "unparseable").inc()
            await _settle(message.reject(requeue=False))
            return None
        event, event_id, tenant = parsed.event, parsed.event_id, parsed.tenant
        handler = self._handlers.get(event.type)
        if handler is None:
            EVENTS_CONSUMED.labels(self.service, self.name, event.type, "ignored").inc()
            await _settle(message.ack())
            return None
        try:
            data = handler.model.read(event.dataversion, event.data)
        except (ValidationError, UnknownVersion) as exc:  # poison: no retry can fix it
            klog(logger, logging.ERROR, "event data invalid for its contract; rejected to the "
                 "dead-letter queue", consumer=self.name, event_id=event.id,
                 event_type=event.type, dataversion=event.dataversion, error=str(exc)[:1000])
            EVENTS_FAILED.labels(self.service, self.name, "invalid").inc()
            await _settle(message.reject(requeue=False))
            return None
        return _Ready(message, parsed, handler, Delivery(data, event, tenant), event_id)

    async def _process(self, message: AbstractIncomingMessage,
                       parsed: _Parsed | Exception) -> float | None:
        """Handle and settle one delivery; for a failed handler, return the delay after
        which to nack it (with requeue) instead."""
        ready = await self._prepare(message, parsed)
        if ready is None:
            return None
        handler, delivery, event_id, event = (ready.handler, ready.delivery, ready.event_id,
                                              ready.delivery.envelope)
        token = klogging.correlation_id.set(event.correlationid or event.id)
        try:
            applied = await self._apply(handler, delivery, event_id)
        except Exception as exc:  # redelivered, never lost
            EVENTS_FAILED.labels(self.service, self.name, event.type).inc()
            count = _delivery_count(message)
            delay: float = min(self.retry_delay * 2.0 ** count, self.retry_delay_max)
            klog(logger, logging.ERROR, "event handler failed; message requeued",
                 consumer=self.name, event_id=event.id, event_type=event.type,
                 delivery_count=count, retry_in=delay, error=repr(exc)[:1000])
            return delay
        finally:
            klogging.correlation_id.reset(token)
        outcome = "applied" if applied else "duplicate"
        EVENTS_CONSUMED.labels(self.service, self.name, event.type, outcome).inc()
        await _settle(message.ack())
        return None

    async def _apply(self, handler: Handler[Any], delivery: Delivery[Any],
                     event_id: uuid.UUID) -> bool:
        event = delivery.envelope
        async with tenant_session(self.sessionmaker, delivery.tenant) as session:
            async with session.begin():
                conn = await driver(session)  # BEGIN with the tenant: the one round trip
                if await conn.fetchval(_RECORD, self.name, event_id, event.type) is None:
                    return False
                await handler.fn(session, delivery)
                if self.before_commit is not None:
                    await self.before_commit(session)
            return True


OrderKey = tuple[str, str | None]


@dataclass(frozen=True)
class _Ready:
    """A delivery that can be handled: its handler and validated data."""

    message: AbstractIncomingMessage
    parsed: _Parsed
    handler: Handler[Any]
    delivery: Delivery[Any]
    event_id: uuid.UUID


async def _nack_later(message: AbstractIncomingMessage, delay: float) -> None:
    await asyncio.sleep(delay)
    await _settle(message.nack(requeue=True))


@dataclass(frozen=True)
class _Parsed:
    event: CloudEvent
    event_id: uuid.UUID
    tenant: TenantId

    @property
    def order_key(self) -> OrderKey:
        """Events of one aggregate (the subject within a tenant) are handled in order."""
        return (self.event.tenantid, self.event.subject)


def _parse(message: AbstractIncomingMessage) -> _Parsed | Exception:
    try:
        event = CloudEvent.from_bytes(message.body)
        return _Parsed(event, uuid.UUID(event.id), tenant_from_event(event.tenantid))
    except Exception as exc:
        return exc


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
