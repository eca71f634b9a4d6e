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

Batches (`batch`, TIDTAM_CONSUMER_BATCH; 1 = off): a delivery whose turn has come waits in
a queue, and each of up to `concurrency` runners takes what is waiting (at most `batch`)
and handles it in one transaction per tenant: one BEGIN, one statement recording every
event of the batch in `processed_events` (those already there are duplicates, skipped),
the handlers in arrival order, one COMMIT, then the acks. Under a light load a batch is one
event, as before; under a heavy one the per-transaction cost is shared. The guarantees are
those of one event at a time: a batch holds at most one event per order key (the next is
queued only once the one before is settled), and if the batch's transaction fails (any
handler raised, or the database did), it is rolled back and each of its events is handled
again on its own, in its own transaction, failing, retrying and dead-lettering exactly as
without batches. `before_commit` (optional) runs at the end of every transaction, batch or
not, after the handlers: a read model gathers its counter changes in the session and
writes them there, one upsert per counter row per transaction.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import deque
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
# A batch's events in one statement; what it returns is what was not recorded before.
_RECORD_MANY = (f"INSERT INTO {PROCESSED.name} (consumer, event_id, event_type) "
                f"SELECT $1, e.id, e.type FROM unnest($2::uuid[], $3::text[]) AS e(id, type) "
                f"ON CONFLICT DO NOTHING RETURNING event_id")

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
# Runs in each of the consumer's transactions after its handlers, before the commit (a read
# model that gathers its counter changes in the session writes them there: once per batch).
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
                 concurrency: int = 1, batch: int = 1, retry_delay: float = 0.5,
                 retry_delay_max: float = 10.0, before_commit: BeforeCommit | None = None):
        self.service = service
        self.name = name if name.startswith(f"{service}.") else f"{service}.{name}"
        self._handlers = check_handlers(self.name, handlers, catalogue)
        # The handlers' types, plus any wider patterns asked for (their other types are
        # acked and ignored).
        self.bindings = list(dict.fromkeys([*self._handlers, *bindings]))
        self.sessionmaker = sessionmaker
        if concurrency < 1:
            raise ValueError(f"{self.name}: concurrency must be at least 1, not {concurrency}")
        self.concurrency = concurrency
        if batch < 1:
            raise ValueError(f"{self.name}: batch must be at least 1, not {batch}")
        self.batch = batch
        self.before_commit = before_commit
        # Deliveries whose turn has come, waiting for a runner (with `batch` > 1).
        self._waiting: deque[_Waiting] = deque()
        self._runners = 0
        self._runner_tasks: set[asyncio.Task[None]] = set()
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
        deliveries per concurrent slot, and with batches at least two batches' worth."""
        floor = 4 * self.concurrency if self.batch == 1 else 2 * self.batch
        return max(self.prefetch or default, floor)

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
        while self._waiting:  # not started: left unsettled for the broker
            waiting = self._waiting.popleft()
            _resolve(waiting, _LEFT)
        with suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._idle.wait()

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        # No await before the turn is queued: arrival order is the order of this call.
        parsed = _parse(message)
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
            retry_in: float | None
            if self.batch > 1 and isinstance(parsed, _Parsed):
                outcome = await self._in_batch(message, parsed)
                if isinstance(outcome, _Left):
                    return
                retry_in = outcome
            else:
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

    async def _process(self, message: AbstractIncomingMessage,
                       parsed: _Parsed | Exception) -> float | None:
        """Handle and settle one delivery; for a failed handler, return the delay after
        which to nack it (with requeue) instead."""
        if isinstance(parsed, Exception):  # anything unparseable is poison
            exc = parsed
            klog(logger, logging.ERROR, "unparseable message rejected to the dead-letter queue",
                 consumer=self.name, message_id=message.message_id, error=repr(exc)[:500])
            EVENTS_FAILED.labels(self.service, self.name, "unparseable").inc()
            await _settle(message.reject(requeue=False))
            return None
        ready = await self._prepare(message, parsed)
        if ready is None:
            return None
        return await self._handle(message, *ready, parsed.event_id)

    async def _prepare(self, message: AbstractIncomingMessage, parsed: _Parsed
                       ) -> tuple[Handler[Any], Delivery[Any]] | None:
        """The handler and the validated delivery; None for a type with no handler (acked)
        or data invalid for its contract (rejected to the dead-letter queue)."""
        event = parsed.event
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
        return handler, Delivery(data, event, parsed.tenant)

    async def _handle(self, message: AbstractIncomingMessage, handler: Handler[Any],
                      delivery: Delivery[Any], event_id: uuid.UUID) -> float | None:
        """Handle one valid delivery in its own transaction and ack it; for a failed
        handler, return the delay after which to nack it (with requeue) instead."""
        event = delivery.envelope
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

    # --- batches ---------------------------------------------------------------------------

    async def _in_batch(self, message: AbstractIncomingMessage, parsed: _Parsed
                        ) -> float | None | _Left:
        """Queue the delivery for a runner and wait until it is settled (None), to be
        nacked after a delay (the delay), or left for the broker on a stop (_LEFT)."""
        waiting = _Waiting(message, parsed, asyncio.get_running_loop().create_future())
        self._waiting.append(waiting)
        if self._runners < self.concurrency:
            self._runners += 1
            runner = asyncio.create_task(self._run_batches(), name=f"consumer:{self.name}")
            self._runner_tasks.add(runner)  # a reference, so it is not collected mid-run
            runner.add_done_callback(self._runner_tasks.discard)
        return await asyncio.shield(waiting.done)

    async def _run_batches(self) -> None:
        try:
            while self._waiting and not self._closing:
                taken = [self._waiting.popleft()
                         for _ in range(min(self.batch, len(self._waiting)))]
                try:
                    await self._process_batch(taken)
                except BaseException as exc:  # never leave a delivery waiting for ever
                    for waiting in taken:
                        _resolve(waiting, _LEFT)
                    if not isinstance(exc, Exception):
                        raise
                    klog(logger, logging.ERROR, "consumer batch failed; its deliveries are "
                         "left for the broker", consumer=self.name, error=repr(exc)[:1000])
        finally:
            self._runners -= 1

    async def _process_batch(self, taken: list[_Waiting]) -> None:
        by_tenant: dict[TenantId, list[tuple[_Waiting, Handler[Any], Delivery[Any]]]] = {}
        for waiting in taken:
            ready = await self._prepare(waiting.message, waiting.parsed)
            if ready is None:
                _resolve(waiting, None)
            else:
                by_tenant.setdefault(waiting.parsed.tenant, []).append((waiting, *ready))
        for tenant, group in by_tenant.items():
            try:
                applied = await self._apply_many(tenant, group)
            except Exception as exc:  # each again on its own: fails, retries as one would
                klog(logger, logging.WARNING, "consumer batch rolled back; its events are "
                     "handled one at a time", consumer=self.name, events=len(group),
                     error=repr(exc)[:500])
                for waiting, handler, delivery in group:
                    _resolve(waiting, await self._handle(
                        waiting.message, handler, delivery, waiting.parsed.event_id))
                continue
            for waiting, _handler, delivery in group:
                outcome = "applied" if waiting.parsed.event_id in applied else "duplicate"
                EVENTS_CONSUMED.labels(self.service, self.name, delivery.type, outcome).inc()
                await _settle(waiting.message.ack())
                _resolve(waiting, None)

    async def _apply_many(self, tenant: TenantId,
                          group: list[tuple[_Waiting, Handler[Any], Delivery[Any]]]
                          ) -> set[uuid.UUID]:
        """One transaction: record the events, run the handlers of those not recorded
        before, in order. Returns the ids applied."""
        async with tenant_session(self.sessionmaker, tenant) as session:
            async with session.begin():
                conn = await driver(session)
                new = {row[0] for row in await conn.fetch(
                    _RECORD_MANY, self.name, [w.parsed.event_id for w, _, _ in group],
                    [d.type for _, _, d in group])}
                applied: set[uuid.UUID] = set()
                for waiting, handler, delivery in group:
                    event_id = waiting.parsed.event_id
                    if event_id not in new or event_id in applied:
                        continue
                    applied.add(event_id)
                    event = delivery.envelope
                    token = klogging.correlation_id.set(event.correlationid or event.id)
                    try:
                        await handler.fn(session, delivery)
                    finally:
                        klogging.correlation_id.reset(token)
                if self.before_commit is not None:
                    await self.before_commit(session)
            return applied


OrderKey = tuple[str, str | None]


class _Left:
    """A delivery not started before a stop: left unsettled for the broker."""


_LEFT = _Left()


@dataclass(frozen=True)
class _Parsed:
    event: CloudEvent
    event_id: uuid.UUID
    tenant: TenantId

    @property
    def order_key(self) -> OrderKey:
        """Events of one aggregate (the subject within a tenant) are handled in order."""
        return (self.event.tenantid, self.event.subject)


@dataclass(frozen=True)
class _Waiting:
    """A delivery whose turn has come, queued for a batch; `done` is its outcome."""

    message: AbstractIncomingMessage
    parsed: _Parsed
    done: asyncio.Future[float | None | _Left]


def _resolve(waiting: _Waiting, outcome: float | None | _Left) -> None:
    if not waiting.done.done():
        waiting.done.set_result(outcome)


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
