"""Per-tenant entries kept in process and dropped on a PostgreSQL NOTIFY: the one mechanism
behind the kit's and the services' in-process caches (custom-field rules, the leads set-up).

Correct only while this process hears every change: whatever changes what a cache holds
sends NOTIFY on the cache's `channel` with the tenant id in the same transaction (delivered
when it commits), and every process that caches LISTENs (crmkit.listening). A notification
drops that tenant's entries (a payload that is not a tenant id drops everything). While the
LISTEN connection is down nothing is stored and every request reads the database; on
reconnect the cache starts empty, since notifications may have been missed in between. A
read that began before a notification is not stored: take `generation` before reading and
store only if `may_store(generation)`. What remains is the moment between a commit and
another process hearing of it (milliseconds).

A subclass says its `channel` and `fallback` (logged while the LISTEN is down) and how to
`forget` one tenant and `forget_all`; `resource` is its crmkit.runtime resource.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from typing import ClassVar

from fastapi import FastAPI

from .listening import listen_forever

log = logging.getLogger("crmkit.notified")


class TenantCache:
    channel: ClassVar[str]
    fallback: ClassVar[str]  # what happens while the LISTEN is down, for the log

    def __init__(self, *, listening: bool = False) -> None:
        self.listening = listening
        self.generation = 0

    def forget(self, tenant: uuid.UUID) -> None:
        raise NotImplementedError

    def forget_all(self) -> None:
        raise NotImplementedError

    def may_store(self, generation: int) -> bool:
        """Whether what was read since `generation` may be kept."""
        return self.listening and generation == self.generation

    def invalidate(self, payload: str) -> None:
        self.generation += 1
        try:
            tenant = uuid.UUID(payload)
        except ValueError:  # not ours to read: forget everything rather than guess
            self.forget_all()
            return
        self.forget(tenant)

    def clear(self) -> None:
        self.generation += 1
        self.forget_all()

    def up(self) -> None:
        self.clear()
        self.listening = True

    def down(self) -> None:
        self.listening = False
        self.clear()

    @asynccontextmanager
    async def listening_to(self, dsn: str) -> AsyncIterator[None]:
        """LISTEN for the lifetime of the block (entries are kept only while it is up)."""
        stop = asyncio.Event()
        task = asyncio.create_task(listen_forever(
            dsn, self.channel, name=self.channel, logger=log, on_notify=self.invalidate,
            on_up=self.up, on_down=self.down, stop=stop, fallback=self.fallback),
            name=f"listen:{self.channel}")
        try:
            yield
        finally:
            stop.set()
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
            self.down()

    def resource(self, app: FastAPI) -> AbstractAsyncContextManager[None]:
        """A crmkit.runtime resource: LISTEN on the app's own database."""
        dsn = app.state.engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False)
        return self.listening_to(dsn)
