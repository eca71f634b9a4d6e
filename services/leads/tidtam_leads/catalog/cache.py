"""What one app has seen committed of its tenants' set-up, so that creating a lead does not
read it on every request: which tenants have their defaults, which lead sources exist (and
are not retired), and each pipeline's first stage.

Set-up changes (renaming, reordering or deleting stages and pipelines, retiring sources):
each such transaction sends NOTIFY `tidtam_leads_setup` with the tenant id (delivered on
commit) and every leads process LISTENs, dropping that tenant's entries; the process that
made the change also drops them at once. While the LISTEN connection is down nothing is
cached (every request reads the database); on reconnect the cache starts empty. A read that
began before a notification does not store what it read (`generation`). What remains is the
moment between a commit and another process hearing of it (milliseconds).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import NamedTuple

from fastapi import FastAPI
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.listening import listen_forever

CHANNEL = "tidtam_leads_setup"
_KEY = "tidtam_leads.setup_cache"
log = logging.getLogger("tidtam_leads.setup_cache")


class StartStage(NamedTuple):
    id: uuid.UUID
    pipeline_id: uuid.UUID


@dataclass
class SetupCache:
    """`ready`: tenants whose defaults exist. `sources`: (tenant, key) of usable sources.
    `first_stage`: (tenant, pipeline id or None for the standard one) → its first stage."""

    ready: set[uuid.UUID] = field(default_factory=set)
    sources: set[tuple[uuid.UUID, str]] = field(default_factory=set)
    first_stage: dict[tuple[uuid.UUID, uuid.UUID | None], StartStage] = field(
        default_factory=dict)
    listening: bool = False
    generation: int = 0

    def may_store(self, generation: int) -> bool:
        """Whether what was read since `generation` may be kept."""
        return self.listening and generation == self.generation

    def invalidate(self, payload: str) -> None:
        self.generation += 1
        try:
            tenant = uuid.UUID(payload)
        except ValueError:  # not ours to read: forget everything rather than guess
            self.clear()
            return
        self.ready.discard(tenant)
        self.sources = {s for s in self.sources if s[0] != tenant}
        self.first_stage = {k: v for k, v in self.first_stage.items() if k[0] != tenant}

    def clear(self) -> None:
        self.generation += 1
        self.ready.clear()
        self.sources.clear()
        self.first_stage.clear()

    def up(self) -> None:
        self.clear()
        self.listening = True

    def down(self) -> None:
        self.listening = False
        self.clear()


def session_info(cache: SetupCache) -> dict[str, SetupCache]:
    """`info` for the app's sessionmaker: every session it makes carries the app's cache.
    A session made without it caches nothing (it always asks the database)."""
    return {_KEY: cache}


def of(session: AsyncSession) -> SetupCache:
    found = session.info.get(_KEY)
    return found if isinstance(found, SetupCache) else SetupCache()


def listener(cache: SetupCache, database_url: str
             ) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app resource that keeps `cache` listening for as long as the app runs."""
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(
        hide_password=False)

    @asynccontextmanager
    async def listening(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = asyncio.create_task(listen_forever(
            dsn, CHANNEL, name="tidtam-leads-setup", logger=log,
            on_notify=cache.invalidate, on_up=cache.up, on_down=cache.down, stop=stop,
            fallback="set-up is read from the database on every request meanwhile"),
            name="leads-setup-cache")
        try:
            yield
        finally:
            stop.set()
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
            cache.down()

    return listening
