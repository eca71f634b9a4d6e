"""The one app builder for the gateway and every service (`build_service`), and what runs
beside the API in each process: the broker connection, the outbox relay, the consumer and
the housekeeper, started and stopped with the app (FastAPI lifespan).

A service's main.py is its settings, routers, the events it publishes (an EventSource), its
consumer's handlers and any resources of its own:

    app = build_service(LeadsSettings(), title="Tidtam leads", routers=ROUTERS,
                        events=EVENTS, handlers=HANDLERS)

Everything about the contracts is checked here, when the app is built: an event that is not
a contract, not the newest version of its type, or handled twice fails start-up with a
message naming the event type."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from tidtam_contracts import CATALOGUE, Catalogue

from . import asyncapi
from . import logging as klog
from .config import ServiceSettings
from .consumer import BeforeCommit, Consumer, Handler, check_handlers
from .db import create_engine, sessionmaker
from .events import EventSource
from .housekeeping import Housekeeper
from .messaging import Broker
from .outbox import OutboxRelay
from .web import create_app

ReadyCheck = Callable[[], Awaitable[str | None]]
# Something the app holds for its lifetime (an HTTP client, a pool): entered after the
# database is set up and before the event workers start; it may set app.state.
Resource = Callable[[FastAPI], AbstractAsyncContextManager[None]]


@dataclass
class EventWorkers:
    """What runs beside the API on one event loop: the broker connection, and the outbox
    relay, the consumers and the housekeeper where this process runs them (with
    TIDTAM_RELAY=process the relay and the housekeeper run in crmkit.relay instead)."""

    broker: Broker
    relay: OutboxRelay | None
    consumers: tuple[Consumer, ...] = ()
    housekeeper: Housekeeper | None = None

    async def start(self) -> None:
        # Not waiting for RabbitMQ: requests are served while the broker is away; the relay
        # catches up from the outbox, and consumers re-attach, when it returns.
        for consumer in self.consumers:
            self.broker.add_consumer(consumer)
        await self.broker.start()
        if self.relay:
            await self.relay.start()
        if self.housekeeper:
            await self.housekeeper.start()

    async def stop(self) -> None:
        if self.housekeeper:
            await self.housekeeper.stop()
        if self.relay:
            await self.relay.stop()
        await self.broker.stop()

    async def ready_check(self) -> str | None:
        return await self.broker.ready_check()


def relay_engine(url: str) -> AsyncEngine:
    """The outbox relay's own pool, as the relay role (the request role cannot read the
    outbox). Three connections: the relay's batch, its backlog gauge and housekeeping each
    hold at most one at a time."""
    return create_engine(url, pool_size=3, max_overflow=0)


def housekeeper(settings: ServiceSettings, engine: AsyncEngine) -> Housekeeper:
    """The process's housekeeping of the kit's tables, from its settings."""
    return Housekeeper(settings.service_name, engine, settings.event_retention_days,
                       settings.housekeeping_seconds)


def outbox_relay(settings: ServiceSettings, pool: AsyncEngine, broker: Broker) -> OutboxRelay:
    """The service's outbox relay on `pool` (the relay role's), from its settings."""
    return OutboxRelay(settings.service_name, sessionmaker(pool), broker,
                       settings.outbox_sweep_seconds)


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


def _engine(settings: ServiceSettings, url: str) -> AsyncEngine:
    return create_engine(url, pool_size=settings.db_pool_size,
                         max_overflow=settings.db_max_overflow)


def build_service(settings: ServiceSettings, *, title: str, description: str = "",
                  routers: Sequence[APIRouter] = (), events: EventSource,
                  handlers: Sequence[Handler[Any]] = (), consumer: str = "projections",
                  resources: Sequence[Resource] = (), ready_checks: Sequence[ReadyCheck] = (),
                  version: str = "0.1.0", session_info: dict[str, Any] | None = None,
                  catalogue: Catalogue | None = CATALOGUE,
                  before_commit: BeforeCommit | None = None) -> FastAPI:
    """The app of one process: the shared edge (crmkit.web), `routers` in order, the event
    catalogue at /asyncapi.json, and a lifespan that owns the database engine(s), the broker,
    the outbox relay and the housekeeper (on `relay_database_url`, the relay role; unless
    `settings.relay` is `process`: then crmkit.relay runs them), the consumer
    `<service>.<consumer>` of `handlers`, then `resources`. `session_info` seeds every
    session's `info` (per-app caches such as the leads catalogue). `before_commit` runs in
    each of the consumer's transactions after its handlers (`settings.consumer_batch`:
    deliveries per transaction)."""
    service = settings.service_name
    if events.service != service:
        raise ValueError(f"the EventSource is {events.service}'s, the settings {service}'s")
    # Fails start-up, naming the event type (the kit's own tests pass catalogue=None).
    check_handlers(f"{service}.{consumer}", handlers, catalogue)
    klog.configure(service, settings.log_level, settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = _engine(settings, settings.database_url)
        inline = settings.relay == "inline"
        relay_pool = engine
        if inline and settings.relay_database_url \
                and settings.relay_database_url != settings.database_url:
            relay_pool = relay_engine(settings.relay_database_url)
        maker = sessionmaker(engine, info=dict(session_info or {}))
        app.state.settings = settings
        app.state.engine = engine
        app.state.sessionmaker = maker
        broker = Broker.from_settings(settings, service)
        consumers = (Consumer(consumer, handlers, maker, service, catalogue=catalogue,
                              concurrency=settings.consumer_concurrency,
                              batch=settings.consumer_batch, before_commit=before_commit),) \
            if handlers else ()
        workers = EventWorkers(
            broker, outbox_relay(settings, relay_pool, broker) if inline else None, consumers,
            housekeeper(settings, relay_pool) if inline else None)
        try:
            async with AsyncExitStack() as stack:
                for resource in resources:
                    await stack.enter_async_context(resource(app))
                await workers.start()
                app.state.workers = workers
                try:
                    yield
                finally:
                    await workers.stop()
        finally:
            await engine.dispose()
            if relay_pool is not engine:
                await relay_pool.dispose()

    async def database() -> str | None:
        engine = getattr(app.state, "engine", None)
        return await database_ready(engine)() if engine is not None else "starting"

    async def broker() -> str | None:
        workers = getattr(app.state, "workers", None)
        return await workers.ready_check() if workers is not None else "starting"

    described = asyncapi.document(f"{title} events", service=service,
                                  published=events.published,
                                  consumed=[h.model for h in handlers], version=version)
    app = create_app(service=service, title=title, version=version, description=description,
                     lifespan=lifespan, ready_checks=[database, broker, *ready_checks],
                     event_catalogue=described)
    app.state.settings = settings
    app.state.events = events
    for router in routers:
        app.include_router(router)
    return app
