"""Event latency: how soon after a lead is committed an external queue bound to `lead.#` on
`tidtam.events` receives its `lead.created`, at a steady rate of creates (open loop: a
request is sent on schedule whether or not the previous ones have answered).

Measured from the event's `time` (set when the request stages it, just before its commit)
to the moment the message is in this process, on one machine's clock: an upper bound of
commit → delivery by the rest of the transaction.
"""

from __future__ import annotations

import asyncio
import json
import resource
import threading
import time
import uuid
from contextlib import suppress
from datetime import datetime

import aio_pika
import asyncpg
import httpx
from loadgen import Result, lead_body, percentile

from crmkit.events import EXCHANGE


async def latency(amqp_url: str, gateway_url: str, headers: dict[str, str], *,
                  rate: float, seconds: float) -> tuple[Result, int]:
    """(latencies as a Result, how many of the created leads' events never arrived)."""
    created: set[str] = set()
    all_in = asyncio.Event()
    sending_done = False
    arrived: dict[str, float] = {}
    failures: list[str] = []
    connection = await aio_pika.connect(amqp_url)
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    try:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.TOPIC,
                                                  durable=True)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(exchange, "lead.#")

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            now = time.time()
            event = json.loads(message.body)
            if event.get("type") == "lead.created":
                staged = datetime.fromisoformat(event["time"]).timestamp()
                arrived[event["subject"]] = now - staged
            await message.ack()
            if sending_done and created <= arrived.keys():
                all_in.set()

        await queue.consume(on_message)
        run = uuid.uuid4().hex[:8]
        # Idle connections dropped after 1 s, well below the gateway's keep-alive (5 s): the
        # bench must not race the server's keep-alive either.
        limits = httpx.Limits(max_connections=1000, max_keepalive_connections=1000,
                              keepalive_expiry=1.0)
        async with httpx.AsyncClient(base_url=gateway_url, limits=limits, timeout=60) as http:

            async def create(i: int) -> None:
                try:
                    r = await http.post("/api/v1/leads", headers=headers,
                                        json=lead_body(i, run))
                except httpx.TransportError as exc:
                    failures.append(repr(exc))
                    return
                if r.status_code == 201:
                    created.add(r.json()["id"])
                else:
                    failures.append(f"{r.status_code} {r.text[:200]}")

            total = int(rate * seconds)
            start = time.perf_counter()
            tasks = []
            for i in range(total):
                delay = start + i / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(create(i)))
            await asyncio.gather(*tasks)
            elapsed = time.perf_counter() - start
        sending_done = True
        if created <= arrived.keys():
            all_in.set()
        with suppress(TimeoutError):
            async with asyncio.timeout(30):
                await all_in.wait()
    finally:
        await connection.close()
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    values = [arrived[i] for i in created if i in arrived]
    if not values:
        raise SystemExit(f"no lead.created arrived; failures: {failures[:1]}")
    return Result(n=len(values), seconds=elapsed, p50_ms=percentile(values, 50) * 1000,
                  p99_ms=percentile(values, 99) * 1000, failures=len(failures),
                  generator_cpu=(cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime),
                  example_failure=failures[0] if failures else ""), len(created - arrived.keys())


class Arrivals:
    """A queue of the bench's own bound to `lead.created`, consumed on a thread of its own
    while a load line runs: when each lead's event arrived, counted from the event's `time`
    (the relay's lag as a subscriber sees it: commit → delivered, queueing in the outbox
    included)."""

    def __init__(self, amqp_url: str) -> None:
        self.amqp_url = amqp_url
        self.arrived: dict[str, float] = {}
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    def __enter__(self) -> Arrivals:
        self._thread.start()
        if not self._ready.wait(30):
            raise SystemExit("the bench's own queue on lead.created was not bound within 30 s")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop and self._stop:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    def snapshot(self) -> dict[str, float]:
        """Lead id → seconds from its event's `time` to arrival, so far (a copy: the
        consumer's thread goes on adding)."""
        return dict(self.arrived)

    async def _run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        connection = await aio_pika.connect(self.amqp_url)
        try:
            channel = await connection.channel()
            await channel.set_qos(prefetch_count=1000)
            exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.TOPIC,
                                                      durable=True)
            queue = await channel.declare_queue(exclusive=True, auto_delete=True)
            await queue.bind(exchange, "lead.created")

            async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
                now = time.time()
                event = json.loads(message.body)
                staged = datetime.fromisoformat(event["time"]).timestamp()
                self.arrived.setdefault(event["subject"], now - staged)

            await queue.consume(on_message, no_ack=True)
            self._ready.set()
            await self._stop.wait()
        finally:
            await connection.close()


def _dsn(owner_url: str) -> str:
    return owner_url.replace("postgresql+asyncpg", "postgresql")


async def database_now(owner_url: str) -> datetime:
    """The database's clock: leads made from here on are the next line's."""
    conn = await asyncpg.connect(_dsn(owner_url))
    try:
        now: datetime = await conn.fetchval("SELECT clock_timestamp()")
        return now
    finally:
        await conn.close()


async def report_relay(owner_url: str, arrivals: Arrivals, since: datetime) -> None:
    """Print, for the leads made since `since` (a line that just ended): the outbox backlog
    now, how long until it was empty, how many of their lead.created arrived, and how long
    after its commit each did (p50, p99, max)."""
    conn = await asyncpg.connect(_dsn(owner_url))
    try:
        backlog = await conn.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
        start = time.monotonic()
        left = backlog
        while left and time.monotonic() - start < 60:
            await asyncio.sleep(0.1)
            left = await conn.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
        drained = time.monotonic() - start
        made = {str(r["id"]) for r in await conn.fetch(
            "SELECT id FROM leads WHERE created_at >= $1", since)}
    finally:
        await conn.close()
    for _ in range(100):  # up to 10 s for the last ones to arrive
        if made <= arrivals.snapshot().keys():
            break
        await asyncio.sleep(0.1)
    arrived = arrivals.snapshot()
    lags = [arrived[i] for i in made if i in arrived]
    missing = "" if len(lags) == len(made) else "  <-- MISSING EVENTS"
    drain = f"all sent {drained:.1f} s later" if not left else f"{left} still unsent after 60 s"
    print(f"    outbox backlog when the line ended: {backlog} unsent, {drain}; lead.created "
          f"published: {len(lags)} of {len(made)} leads made{missing}", flush=True)
    if lags:
        print(f"    relay lag, commit → a subscriber has lead.created: p50 "
              f"{1000 * percentile(lags, 50):.1f} ms, p99 {1000 * percentile(lags, 99):.1f} ms, "
              f"max {1000 * max(lags):.1f} ms", flush=True)
