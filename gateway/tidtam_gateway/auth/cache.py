"""Callers kept in process, so a request does not read its user from PostgreSQL each time.

Correct only while this process hears every change: a trigger on the rows a caller is built
from (users, teams, tenant settings, API keys, tenants; migration 0005) sends NOTIFY
`tidtam_callers` with the tenant id in the same transaction as the change, and every gateway
process LISTENs. A notification drops the whole tenant's entries (a team change alters other
users' member lists; a settings change, everyone's scope). While the LISTEN connection is
down nothing is cached and every request reads the database; on reconnect the cache starts
empty, since notifications may have been missed in between.

A read that started before an invalidation must not store what it read after it: each entry
is stored only if no notification arrived while it was being read (`generation`).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Hashable

from crmkit.listening import listen_forever

from .caller import Caller

CHANNEL = "tidtam_callers"
log = logging.getLogger("tidtam_gateway.auth.cache")


class CallerCache:
    def __init__(self, dsn: str, *, max_entries: int = 100_000):
        self.dsn = dsn
        self.max_entries = max_entries
        self.listening = False
        self.generation = 0
        self._entries: dict[Hashable, Caller] = {}
        self._by_tenant: dict[uuid.UUID, set[Hashable]] = {}
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def get(self, key: Hashable, load: Callable[[], Awaitable[Caller]]) -> Caller:
        """The cached caller for `key`, else `load()`'s (stored if nothing changed meanwhile).
        `load` raises for a caller that may not come in: refusals are never cached."""
        found = self._entries.get(key)
        if found is not None:
            return found
        generation = self.generation
        caller = await load()
        if self.listening and generation == self.generation:
            if len(self._entries) >= self.max_entries:
                self.clear()
            self._entries[key] = caller
            self._by_tenant.setdefault(caller.tenant.value, set()).add(key)
        return caller

    def invalidate(self, payload: str) -> None:
        self.generation += 1
        try:
            tenant = uuid.UUID(payload)
        except ValueError:  # not ours to read: forget everything rather than guess
            self.clear()
            return
        for key in self._by_tenant.pop(tenant, ()):
            self._entries.pop(key, None)

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()
        self._by_tenant.clear()

    def __len__(self) -> int:
        return len(self._entries)

    # --- the listener -----------------------------------------------------------------

    def _up(self) -> None:
        self.clear()
        self.listening = True

    def _down(self) -> None:
        self.listening = False
        self.clear()

    async def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.create_task(listen_forever(
            self.dsn, CHANNEL, name="tidtam-gateway-callers", logger=log,
            on_notify=self.invalidate, on_up=self._up, on_down=self._down, stop=self._stop,
            fallback="every request reads its caller from the database meanwhile"),
            name="gateway-caller-cache")

    async def stop(self) -> None:
        self._stop.set()
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        self._task = None
        self._down()
