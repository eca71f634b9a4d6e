"""The RabbitMQ side of the kit: one supervised connection per process, the topology, and a
confirmed, mandatory publish.

Why not `aio_pika.connect_robust`: after a broker restart robust connections have come back
with channels but without their consumers (aio-pika #231, #563, #334) and publishes have hung
until a reconnect (#636). Here a plain `aio_pika.connect` is watched by a supervisor task: any
loss of the connection (or of a consumer's channel) tears the whole session down, and the
next session reconnects with exponential backoff, re-declares the topology and re-attaches
every registered consumer from scratch. `publish` never waits longer than its timeout.

Topology (declared on every connect; declarations are idempotent):

- `tidtam.events`: durable topic exchange, routing key = event type.
- `tidtam.dlx`: direct dead-letter exchange. Each consumer's queue dead-letters with routing
  key = its own queue name into `<queue>.dlq`.
- `tidtam.events.archive`: classic durable queue bound `#` (at most 100,000 messages, oldest
  dropped first, 7 days TTL), so an event no service subscribes to yet is kept, not returned.
  Because of it, `mandatory` does not fire for "nobody listens to this type". It still catches a
  real misrouting: a publish to an exchange whose bindings or queues were deleted, or to a
  bare exchange without the archive (the tests do exactly that), raises instead of vanishing.
- per consumer `<service>.<consumer>`: durable quorum queue with `x-delivery-limit` (RabbitMQ
  3.10 has no default: a poison message would loop forever), dead-lettering at-least-once
  (which needs `x-overflow=reject-publish`) into `<service>.<consumer>.dlq` (quorum).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import aio_pika
import aiormq
from aio_pika.abc import AbstractChannel, AbstractConnection

from .events import CONTENT_TYPE, EXCHANGE, CloudEvent
from .logging import log as klog

if TYPE_CHECKING:
    from .config import ServiceSettings
    from .consumer import Consumer

logger = logging.getLogger("crmkit.messaging")

DLX = "tidtam.dlx"
ARCHIVE_QUEUE = "tidtam.events.archive"
ARCHIVE_ARGUMENTS: dict[str, Any] = {
    "x-max-length": 100_000,
    "x-overflow": "drop-head",
    "x-message-ttl": 7 * 24 * 3600 * 1000,
}


class PublishFailed(Exception):
    """A publish that the broker did not confirm. `reason` is the PUBLISH_ERRORS label:
    unroutable, nack, timeout, disconnected or error."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


PERSISTENT = int(aio_pika.DeliveryMode.PERSISTENT)


class Outgoing(NamedTuple):
    """One message for `Broker.publish_many`: the CloudEvent's JSON and its type (the
    routing key), id and correlation id (the AMQP properties consumers and replays read)."""

    body: bytes
    type: str
    id: str
    correlation_id: str | None


class BrokerUnavailable(ConnectionError):
    """RabbitMQ did not answer within the start-up wait."""


def consumer_queue_arguments(delivery_limit: int) -> dict[str, Any]:
    return {
        "x-queue-type": "quorum",
        "x-delivery-limit": delivery_limit,
        "x-dead-letter-exchange": DLX,
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }


class Broker:
    """Supervised connection: `start()`, `add_consumer()`, `publish()`, `connected`, `stop()`."""

    def __init__(self, amqp_url: str, service: str, *, exchange: str = EXCHANGE,
                 archive: bool | None = None, delivery_limit: int = 5, prefetch: int = 32,
                 publish_timeout: float = 10.0, connect_timeout: float = 5.0,
                 backoff_min: float = 0.5, backoff_max: float = 30.0):
        self.amqp_url = amqp_url
        self.service = service
        self.exchange = exchange
        # The archive belongs to the real exchange; a test exchange gets none unless asked.
        self.archive = exchange == EXCHANGE if archive is None else archive
        self.delivery_limit = delivery_limit
        self.prefetch = prefetch
        self.publish_timeout = publish_timeout
        self.connect_timeout = connect_timeout
        self.backoff_min = backoff_min
        self.backoff_max = backoff_max
        self.connects = 0  # successful sessions so far; tests read it to see a reconnect
        self._consumers: list[Consumer] = []
        self._attached: dict[str, tuple[AbstractChannel, aio_pika.abc.AbstractQueue, str]] = {}
        self._ready = asyncio.Event()
        self._lost: asyncio.Event | None = None
        self._conn: AbstractConnection | None = None
        self._pub_channel: AbstractChannel | None = None
        self._pub_lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._reattach = False

    @classmethod
    def from_settings(cls, settings: ServiceSettings, service: str | None = None,
                      **kw: Any) -> Broker:
        return cls(settings.amqp_url, service or settings.service_name,
                   delivery_limit=settings.consumer_delivery_limit,
                   prefetch=settings.consumer_prefetch, **kw)

    # --- lifecycle ----------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._ready.is_set() and self._conn is not None and not self._conn.is_closed

    @property
    def ready_event(self) -> asyncio.Event:
        """Set while connected with the topology declared and consumers attached."""
        return self._ready

    async def ready_check(self) -> str | None:
        """For `/readyz`."""
        return None if self.connected else "not connected to RabbitMQ"

    async def wait_connected(self, timeout: float) -> bool:
        try:
            async with asyncio.timeout(timeout):
                await self._ready.wait()
            return True
        except TimeoutError:
            return False

    async def start(self, wait: float | None = None) -> None:
        """Start the supervisor; with `wait`, also wait that long for the first connection
        (raising if it does not come, e.g. for a start-up check)."""
        self._stopping = False
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._supervise(), name=f"broker:{self.service}")
        if wait is not None and not await self.wait_connected(wait):
            raise BrokerUnavailable(f"RabbitMQ at {self._safe_url()} is unreachable after "
                                    f"{wait}s; is it running?")

    async def stop(self, drain_timeout: float = 10.0) -> None:
        """Cancel consuming, let in-flight handlers finish (bounded), then close."""
        self._stopping = True
        for name, (_channel, queue, tag) in list(self._attached.items()):
            with suppress(Exception):
                async with asyncio.timeout(2):
                    await queue.cancel(tag)
            self._attached.pop(name, None)
        for consumer in self._consumers:
            await consumer.drain(drain_timeout)
        if self._task:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def add_consumer(self, consumer: Consumer) -> None:
        """Register before or after start(); it is (re)attached on every connect."""
        self._consumers.append(consumer)
        if self.connected and self._lost is not None:
            # Simplest correct way to attach mid-session: start a fresh session.
            self._reattach = True
            self._lost.set()

    # --- publishing ---------------------------------------------------------------------

    async def publish(self, event: CloudEvent, *, timeout: float | None = None) -> None:
        """Publish with a publisher confirm and `mandatory`; return only once the broker has
        confirmed a routed message. Raises PublishFailed (never hangs past `timeout`)."""
        (error,) = await self.publish_many(
            [Outgoing(event.to_bytes(), event.type, event.id, event.correlationid)],
            timeout=timeout)
        if error is not None:
            raise error

    async def publish_many(self, messages: Sequence[Outgoing], *,
                           timeout: float | None = None) -> list[PublishFailed | None]:
        """Publish `messages` in order on the one confirming channel, confirms pipelined
        (about one round trip for all), each with `mandatory`; for each, None once the broker
        confirmed it routed, or the PublishFailed it met. Nothing waits past `timeout`.

        The bodies go as they are (the outbox relay sends the JSON stored when the event was
        staged): one aiormq publish each, without aio_pika's Message and Exchange wrappers
        and without waiting for each frame to be written before the next is queued."""
        timeout = self.publish_timeout if timeout is None else timeout
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            async with asyncio.timeout(timeout):
                await self._ready.wait()
                channel = await self._publish_channel()
        except TimeoutError:
            failed = self._timed_out(timeout)
            return [failed] * len(messages)
        except (aiormq.exceptions.AMQPError, ConnectionError, RuntimeError) as exc:
            self._pub_channel = None
            lost = PublishFailed("disconnected", f"publish failed: {exc!r}")
            return [lost] * len(messages)
        # Tasks start in this order and aiormq's channel lock is FIFO: frames go out in order.
        tasks = [asyncio.ensure_future(channel.basic_publish(
            m.body, exchange=self.exchange, routing_key=m.type, mandatory=True, wait=False,
            properties=aiormq.spec.Basic.Properties(
                content_type=CONTENT_TYPE, message_id=m.id, delivery_mode=PERSISTENT,
                message_type=m.type, app_id=self.service, correlation_id=m.correlation_id)))
            for m in messages]
        _done, pending = await asyncio.wait(tasks, timeout=max(0.0, deadline - loop.time()))
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        return [self._outcome(task, m, timeout) for task, m in zip(tasks, messages, strict=True)]

    def _timed_out(self, timeout: float) -> PublishFailed:
        state = "waiting for a confirm" if self.connected else "disconnected"
        return PublishFailed("timeout", f"publish timed out after {timeout}s ({state})")

    def _outcome(self, task: asyncio.Future[Any], message: Outgoing,
                 timeout: float) -> PublishFailed | None:
        if task.cancelled():
            return self._timed_out(timeout)
        exc = task.exception()
        if exc is None:
            return None
        if isinstance(exc, aiormq.exceptions.PublishError):
            return PublishFailed("unroutable", f"{message.type} is unroutable on exchange "
                                 f"{self.exchange!r} (returned by the broker)")
        if isinstance(exc, aiormq.exceptions.DeliveryError):
            return PublishFailed("nack", f"broker refused {message.type}: {exc}")
        if isinstance(exc, aiormq.exceptions.AMQPError | ConnectionError | RuntimeError):
            self._pub_channel = None
            return PublishFailed("disconnected", f"publish failed: {exc!r}")
        return PublishFailed("error", f"publish failed: {exc!r}")

    async def _publish_channel(self) -> aiormq.Channel:
        async with self._pub_lock:
            if self._pub_channel is None or self._pub_channel.is_closed:
                if self._conn is None or self._conn.is_closed:
                    raise ConnectionError("no connection to RabbitMQ")
                # on_return_raises: without it an unroutable mandatory publish is confirmed
                # and returned silently (PITFALLS.md).
                self._pub_channel = await self._conn.channel(publisher_confirms=True,
                                                             on_return_raises=True)
            # aiormq's own channel: its publish takes wait=False (the abstract one does not).
            return cast("aiormq.Channel", await self._pub_channel.get_underlay_channel())

    # --- supervision --------------------------------------------------------------------

    async def _supervise(self) -> None:
        delay = self.backoff_min
        while not self._stopping:
            conn: AbstractConnection | None = None
            lost = asyncio.Event()
            try:
                conn = await aio_pika.connect(self.amqp_url, timeout=self.connect_timeout)
                conn.close_callbacks.add(lambda *_, ev=lost: ev.set())
                self._lost = lost
                async with asyncio.timeout(self.connect_timeout * 4):
                    await self._declare_topology(conn)
                    for consumer in list(self._consumers):
                        await self._attach(conn, consumer, lost)
                self._conn = conn
                self.connects += 1
                self._ready.set()
                delay = self.backoff_min
                klog(logger, logging.INFO, "connected to RabbitMQ", consumers=len(self._consumers),
                     session=self.connects)
                await lost.wait()
                # stop() and reattach set these from other tasks while this one awaited.
                if not (self._stopping or self._reattach):  # type: ignore[redundant-expr]
                    klog(logger, logging.WARNING, "RabbitMQ connection or channel lost")
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                klog(logger, logging.WARNING, "RabbitMQ unavailable, retrying",
                     error=repr(exc), retry_in=delay)
            finally:
                self._ready.clear()
                self._conn = None
                self._pub_channel = None
                self._attached.clear()
                if conn is not None and not conn.is_closed:
                    with suppress(Exception):
                        await asyncio.wait_for(conn.close(), 5)
            if self._stopping:
                break
            if self._reattach:
                self._reattach = False
                continue
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.backoff_max)

    async def _declare_topology(self, conn: AbstractConnection) -> None:
        channel = await conn.channel()
        exchange = await channel.declare_exchange(self.exchange, aio_pika.ExchangeType.TOPIC,
                                                  durable=True)
        await channel.declare_exchange(DLX, aio_pika.ExchangeType.DIRECT, durable=True)
        if self.archive:
            archive = await channel.declare_queue(ARCHIVE_QUEUE, durable=True,
                                                  arguments=ARCHIVE_ARGUMENTS)
            await archive.bind(exchange, "#")
        await channel.close()

    async def _attach(self, conn: AbstractConnection, consumer: Consumer,
                      lost: asyncio.Event) -> None:
        channel = await conn.channel()
        await channel.set_qos(prefetch_count=consumer.prefetch_for(self.prefetch))
        exchange = await channel.get_exchange(self.exchange, ensure=False)
        dlx = await channel.get_exchange(DLX, ensure=False)
        name = consumer.queue_name
        dlq = await channel.declare_queue(f"{name}.dlq", durable=True,
                                          arguments={"x-queue-type": "quorum"})
        await dlq.bind(dlx, routing_key=name)
        args = consumer_queue_arguments(consumer.delivery_limit or self.delivery_limit)
        args["x-dead-letter-routing-key"] = name
        queue = await channel.declare_queue(name, durable=True, arguments=args)
        for key in consumer.bindings:
            await queue.bind(exchange, key)

        def channel_closed(*_: object) -> None:
            # A consumer whose channel died consumes nothing: rebuild the whole session.
            if not self._stopping:
                lost.set()

        channel.close_callbacks.add(channel_closed)
        consumer.open()
        tag = await queue.consume(consumer.on_message)
        self._attached[name] = (channel, queue, tag)

    def _safe_url(self) -> str:
        from yarl import URL

        url = URL(self.amqp_url)
        return str(url.with_password("***") if url.password else url)
