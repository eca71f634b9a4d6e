"""The accounts service: `uvicorn tidtam_accounts.main:app` (port 8002).

One process runs the API, the outbox relay and the event consumer (FastAPI lifespan).
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from crmkit import logging as klog
from crmkit.consumer import Consumer
from crmkit.custom import custom_routers
from crmkit.db import create_engine, sessionmaker
from crmkit.messaging import Broker
from crmkit.outbox import OutboxRelay
from crmkit.runtime import (
    EventWorkers,
    database_ready,
    housekeeper,
    relay_engine,
    service_lifespan,
)
from crmkit.web import create_app

from . import consumers
from .accounts.service import CUSTOM as ACCOUNT_CUSTOM
from .config import SERVICE, AccountsSettings
from .lookup.service import RDLookup


def routers() -> list:
    """The API's routers, in matching order (fixed paths such as `/api/v1/accounts/lookup`
    before `/api/v1/accounts/{id}`). Importing a domain's router also registers its events."""
    from .accounts.router import router as accounts_router
    from .contacts.router import router as contacts_router
    from .conversion import events as _conversion_events  # noqa: F401
    from .lookup.router import router as lookup_router
    from .timeline.router import router as timeline_router

    return [lookup_router, accounts_router, contacts_router, timeline_router,
            *custom_routers(ACCOUNT_CUSTOM)]


def build_app(settings: AccountsSettings | None = None) -> FastAPI:
    settings = settings or AccountsSettings()
    klog.configure(SERVICE, settings.log_level, settings.log_json)
    engine = create_engine(settings.database_url, pool_size=settings.db_pool_size,
                           max_overflow=settings.db_max_overflow)
    maker = sessionmaker(engine)
    broker = Broker.from_settings(settings, SERVICE)
    # The relay logs in as its own role: the request role may only INSERT into the outbox.
    outbox_engine = relay_engine(settings.relay_database_url)
    relay = OutboxRelay(SERVICE, outbox_engine, broker, settings.outbox_sweep_seconds)
    consumer = consumers.register(Consumer("projections", consumers.BINDINGS, maker, SERVICE))

    workers = EventWorkers(broker, relay, (consumer,), housekeeper(settings, outbox_engine))
    service = service_lifespan(settings, engine, maker, workers)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # The Revenue Department client's connection pool lives as long as the app.
        async with service(app):
            app.state.rd_lookup = RDLookup(settings)
            try:
                yield
            finally:
                await app.state.rd_lookup.client.aclose()

    app = create_app(service=SERVICE, title="Tidtam accounts",
                     description="Customer accounts, contacts, duplicates, tax-ID lookup, "
                                 "account timeline",
                     lifespan=lifespan, ready_checks=[database_ready(engine), broker.ready_check],
                     events_prefix=("account.", "contact."))
    app.state.settings = settings
    for router in routers():
        app.include_router(router)
    return app


app = build_app()
