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
import time
import uuid
from contextlib import suppress
from datetime import datetime

import aio_pika
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
