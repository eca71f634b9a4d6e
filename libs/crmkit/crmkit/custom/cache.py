"""Custom-field rules kept in process, so that creating a record does not read its entity's
field definitions from PostgreSQL each time.

Correct only while this process hears every change: whatever changes a tenant's definitions
(repository.insert_field, update_field, delete_field) sends NOTIFY `tidtam_custom_fields`
with the tenant id in the same transaction, delivered when it commits, and every process
that caches LISTENs (crmkit.listening). A notification drops the tenant's rules. While the
LISTEN connection is down nothing is cached and every create reads the database; on
reconnect the cache starts empty, since notifications may have been missed in between. A
read that started before a notification is not stored (`generation`), and a transaction
that changed definitions itself neither reads nor fills the cache (its rows are not
committed yet).

Wiring: `cache = RulesCache()`; its `session_info()` in the app's sessionmaker `info` and
`cache.listening` among the app's resources (crmkit.runtime.build_service).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from typing import Any

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from ..listening import listen_forever
from .values import Definition

CHANNEL = "tidtam_custom_fields"
_INFO = "crmkit.custom.rules_cache"
WROTE = "crmkit.custom.wrote_fields"  # Session.info: this transaction changed definitions
log = logging.getLogger("crmkit.custom.cache")

Rules = dict[str, Definition]


class RulesCache:
    def __init__(self) -> None:
        self.listening = False
        self.generation = 0
        self._rules: dict[tuple[uuid.UUID, str], Rules] = {}

    def session_info(self) -> dict[str, Any]:
        """`info` for the app's sessionmaker: its sessions use this cache."""
        return {_INFO: self}

    async def get(self, tenant: uuid.UUID, entity: str,
                  load: Callable[[], Awaitable[Rules]]) -> Rules:
        key = (tenant, entity)
        found = self._rules.get(key)
        if found is not None:
            return found
        generation = self.generation
        rules = await load()
        if self.listening and generation == self.generation:
            self._rules[key] = rules
        return rules

    def invalidate(self, payload: str) -> None:
        self.generation += 1
        try:
            tenant = uuid.UUID(payload)
        except ValueError:  # not ours to read: forget everything rather than guess
            self._rules.clear()
            return
        for key in [k for k in self._rules if k[0] == tenant]:
            del self._rules[key]

    def _up(self) -> None:
        self.generation += 1
        self._rules.clear()
        self.listening = True

    def _down(self) -> None:
        self.listening = False
        self.generation += 1
        self._rules.clear()

    @asynccontextmanager
    async def listening_to(self, dsn: str) -> AsyncIterator[None]:
        """LISTEN for the lifetime of the block (cached only while the LISTEN is up)."""
        stop = asyncio.Event()
        task = asyncio.create_task(listen_forever(
            dsn, CHANNEL, name="tidtam-custom-fields", logger=log,
            on_notify=self.invalidate, on_up=self._up, on_down=self._down, stop=stop,
            fallback="every create reads its custom-field rules from the database "
                     "meanwhile"), name="custom-fields-listen")
        try:
            yield
        finally:
            stop.set()
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
            self._down()

    def resource(self, app: FastAPI) -> AbstractAsyncContextManager[None]:
        """A crmkit.runtime resource: LISTEN on the app's own database."""
        dsn = app.state.engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False)
        return self.listening_to(dsn)


def of(session: AsyncSession) -> RulesCache | None:
    """The session's cache, unless it has none or changed definitions itself."""
    if session.info.get(WROTE):
        return None
    cache = session.info.get(_INFO)
    return cache if isinstance(cache, RulesCache) else None
