"""The live unread count (server-sent events). Every replica LISTENs on `tidtam_notices`
(a trigger NOTIFYs `<tenant>:<recipient>` on each new or changed notice), so a stream on any
replica hears of a notice made by any other; a stream recounts when told, and when the
LISTEN connection comes back (notifications may have been missed meanwhile)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crmkit.context import RequestContext
from crmkit.db import unit_of_work
from crmkit.listening import listen_forever

from . import repository

logger = logging.getLogger("tidtam_notifications.stream")
CHANNEL = "tidtam_notices"
# A comment line this often keeps the gateway and any proxy from timing the stream out.
KEEP_ALIVE_SECONDS = 15.0


class Hub:
    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Event]] = {}
        self.listening = False

    def notify(self, key: str) -> None:
        for wake in self._subscribers.get(key, ()):
            wake.set()

    def wake_all(self) -> None:
        for wakes in self._subscribers.values():
            for wake in wakes:
                wake.set()

    @asynccontextmanager
    async def subscribe(self, key: str) -> AsyncIterator[asyncio.Event]:
        wake = asyncio.Event()
        self._subscribers.setdefault(key, set()).add(wake)
        try:
            yield wake
        finally:
            self._subscribers[key].discard(wake)
            if not self._subscribers[key]:
                del self._subscribers[key]


def _event(name: str, data: str) -> bytes:
    return f"event: {name}\ndata: {data}\n\n".encode()


async def unread_events(hub: Hub, maker: async_sessionmaker[AsyncSession],
                        ctx: RequestContext) -> AsyncIterator[bytes]:
    """`event: unread` with the count at once and whenever it may have changed; a comment
    every KEEP_ALIVE_SECONDS in between."""
    async with hub.subscribe(f"{ctx.tenant.value}:{ctx.user_id}") as wake:
        last: int | None = None
        woken = True
        yield b"retry: 3000\n\n"
        while True:
            if woken:
                wake.clear()
                async with unit_of_work(maker, ctx.tenant) as session:
                    count = await repository.unread(session, ctx.tenant, ctx.user_id)
                if count != last:
                    yield _event("unread", f'{{"unread": {count}}}')
                    last = count
            try:
                async with asyncio.timeout(KEEP_ALIVE_SECONDS):
                    await wake.wait()
                woken = True
            except TimeoutError:
                yield b": keep-alive\n\n"
                woken = not hub.listening  # notifications may be lost: recount anyway


@asynccontextmanager
async def notice_hub(app: FastAPI) -> AsyncIterator[None]:
    """The app's Hub and its LISTEN task (a resource of crmkit.runtime.build_service)."""
    hub = Hub()
    app.state.notice_hub = hub
    stop = asyncio.Event()
    dsn = app.state.engine.url.set(drivername="postgresql").render_as_string(
        hide_password=False)

    def up() -> None:
        hub.listening = True
        hub.wake_all()

    def down() -> None:
        hub.listening = False

    task = asyncio.create_task(listen_forever(
        dsn, CHANNEL, name="notifications-stream-listen", logger=logger,
        on_notify=hub.notify, on_up=up, on_down=down, stop=stop,
        fallback="streams recount every keep-alive"))
    try:
        yield
    finally:
        stop.set()
        task.cancel()
        with suppress(asyncio.CancelledError, Exception):
            await task
