"""What runs beside the API in every service process: the broker connection, the outbox
relay and the consumers, started and stopped with the app (FastAPI lifespan)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from .consumer import Consumer
from .db import create_engine
from .housekeeping import Housekeeper
from .messaging import Broker
from .outbox import OutboxRelay


@dataclass
class EventWorkers:
    broker: Broker
    relay: OutboxRelay
    consumers: tuple[Consumer, ...] = ()
    housekeeper: Housekeeper | None = None

    async def start(self) -> None:
        # Not waiting for RabbitMQ: requests are served while the broker is away; the relay
        # catches up from the outbox, and consumers re-attach, when it returns.
        for consumer in self.consumers:
            self.broker.add_consumer(consumer)
        await self.broker.start()
        await self.relay.start()
        if self.housekeeper:
            await self.housekeeper.start()

    async def stop(self) -> None:
        if self.housekeeper:
            await self.housekeeper.stop()
        await self.relay.stop()
        await self.broker.stop()

    async def ready_check(self) -> str | None:
        return await self.broker.ready_check()


def service_lifespan(settings, engine: AsyncEngine,
                     maker: async_sessionmaker[AsyncSession],
                     workers: EventWorkers) -> Callable[[FastAPI], AbstractAsyncContextManager]:
    """Sets what crmkit.deps needs on app.state, runs the workers, disposes the pool."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.sessionmaker = maker
        await workers.start()
        try:
            yield
        finally:
            await workers.stop()
            await engine.dispose()
            if workers.relay.engine is not engine:
                await workers.relay.engine.dispose()

    return lifespan


def relay_engine(url: str) -> AsyncEngine:
    """The outbox relay's own pool, as the relay role (the request role cannot read the
    outbox). Three connections: the relay's batch, its backlog gauge and housekeeping each
    hold at most one at a time."""
    return create_engine(url, pool_size=3, max_overflow=0)


def housekeeper(settings, engine: AsyncEngine) -> Housekeeper:
    """The process's housekeeping of the kit's tables, from its settings."""
    return Housekeeper(settings.service_name, engine, settings.event_retention_days,
                       settings.housekeeping_seconds)


def database_ready(engine: AsyncEngine) -> Callable[[], Awaitable[str | None]]:
    """A readiness check (crmkit.web) that the service's database answers."""

    async def check() -> str | None:
        try:
            async with engine.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
        except Exception as exc:  # readiness reports any failure, it never raises
            return f"database unreachable: {exc.__class__.__name__}"
        return None

    return check
