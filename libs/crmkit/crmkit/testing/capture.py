"""An event-capturing subscriber: an exclusive queue bound to `tidtam.events`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import aio_pika
import orjson
from aio_pika.abc import AbstractConnection

from crmkit.events import EXCHANGE


class EventCapture:
    def __init__(self, amqp_url: str, binding: str = "#") -> None:
        self.amqp_url = amqp_url
        self.binding = binding
        self.events: list[dict[str, Any]] = []
        self._conn: AbstractConnection | None = None

    async def start(self) -> None:
        self._conn = conn = await aio_pika.connect(self.amqp_url)
        channel = await conn.channel()
        exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.TOPIC,
                                                  durable=True)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(exchange, self.binding)
        await queue.consume(self._on_message, no_ack=True)

    async def _on_message(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        self.events.append(orjson.loads(message.body))

    async def stop(self) -> None:
        if self._conn:
            await self._conn.close()

    def of_type(self, type_: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("type") == type_]

    async def assert_published(self, type_: str,
                               where: Callable[[dict[str, Any]], bool] = lambda e: True,
                               timeout: float = 10.0) -> dict[str, Any]:
        """Wait for an event of `type_` whose envelope satisfies `where`; return it."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.of_type(type_):
                if where(event):
                    return event
            if time.monotonic() > deadline:
                seen = sorted({str(e.get("type")) for e in self.events})
                raise AssertionError(f"no {type_} event matched within {timeout}s; seen: {seen}")
            await asyncio.sleep(0.05)
