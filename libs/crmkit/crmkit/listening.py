"""One LISTEN channel on a dedicated PostgreSQL connection, kept up for as long as the task
runs: the outbox relay's wake-up and the gateway's caller-cache invalidation both use it.

A pooled connection would lose its LISTEN when returned, so this one is its own. It is
pinged every `health_seconds` so a silent drop is noticed, and reconnected with exponential
backoff. `on_up` runs once LISTEN is in place, `on_down` whenever the connection is gone:
whoever relies on notifications must assume any were missed in between.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import suppress

import asyncpg

from .logging import log as klog


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await stop.wait()


async def listen_forever(dsn: str, channel: str, *, name: str, logger: logging.Logger,
                         on_notify: Callable[[str], None], on_up: Callable[[], None],
                         on_down: Callable[[], None], stop: asyncio.Event,
                         fallback: str, backoff_min: float = 0.5, backoff_max: float = 30.0,
                         health_seconds: float = 10.0) -> None:
    """Until `stop` is set (or the task is cancelled). `fallback` says in the warning what
    covers for missed notifications while the connection is down."""
    delay = backoff_min
    while not stop.is_set():
        conn: asyncpg.Connection | None = None
        try:
            conn = await asyncpg.connect(dsn, timeout=10,
                                         server_settings={"application_name": name})
            lost = asyncio.Event()
            conn.add_termination_listener(lambda _c, ev=lost: ev.set())
            await conn.add_listener(channel, lambda _c, _pid, _ch, payload: on_notify(payload))
            on_up()
            delay = backoff_min
            while not lost.is_set():
                try:
                    async with asyncio.timeout(health_seconds):
                        await lost.wait()
                except TimeoutError:
                    await asyncio.wait_for(conn.fetchval("SELECT 1"), 5)
            if stop.is_set():
                break
            klog(logger, logging.WARNING, f"{channel} LISTEN connection lost; reconnecting")
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            klog(logger, logging.WARNING, f"{channel} LISTEN unavailable; {fallback}",
                 error=repr(exc)[:300], retry_in=delay)
        finally:
            on_down()
            if conn is not None:
                conn.terminate()
        await _pause(stop, delay)
        delay = min(delay * 2, backoff_max)
