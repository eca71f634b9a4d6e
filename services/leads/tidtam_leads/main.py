"""The leads service: `uvicorn tidtam_leads.main:app` (port 8001).

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
from .actions import events as _action_events  # noqa: F401  (event models register on import)
from .actions.router import router as actions_router
from .catalog import service as catalog
from .catalog.router import router as catalog_router
from .config import SERVICE, LeadsSettings
from .conversion import events as _conversion_events  # noqa: F401
from .conversion.client import http_client
from .conversion.router import router as conversion_router
from .followups import events as _followup_events  # noqa: F401
from .followups.router import router as followups_router
from .labels.router import router as labels_router
from .leads.router import router as leads_router
from .leads.service import CUSTOM as LEAD_CUSTOM
from .pipelines.router import router as pipelines_router
from .transfer import events as _transfer_events  # noqa: F401
from .transfer.router import router as transfer_router


def build_app(settings: LeadsSettings | None = None) -> FastAPI:
    settings = settings or LeadsSettings()
    klog.configure(SERVICE, settings.log_level, settings.log_json)
    engine = create_engine(settings.database_url, pool_size=settings.db_pool_size,
                           max_overflow=settings.db_max_overflow)
    # The catalog's caches belong to this app, carried by every session it makes.
    maker = sessionmaker(engine, info=catalog.session_info())
    broker = Broker.from_settings(settings, SERVICE)
    # The relay logs in as its own role: the request role may only INSERT into the outbox.
    outbox_engine = relay_engine(settings.relay_database_url)
    relay = OutboxRelay(SERVICE, outbox_engine, broker, settings.outbox_sweep_seconds)
    consumer = consumers.register(Consumer("projections", consumers.BINDINGS, maker, SERVICE))

    workers = EventWorkers(broker, relay, (consumer,), housekeeper(settings, outbox_engine))
    service = service_lifespan(settings, engine, maker, workers)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # One pooled client for reads from the accounts service (conversion/client.py).
        async with service(app), http_client(
                settings.accounts_url, settings.accounts_timeout,
                keep_alive=settings.keep_alive_seconds) as accounts_http:
            app.state.accounts_http = accounts_http
            yield

    app = create_app(service=SERVICE, title="Tidtam leads",
                     description="Leads, boxes, follow-up log, pipelines and labels",
                     lifespan=lifespan, ready_checks=[database_ready(engine), broker.ready_check],
                     events_prefix="lead.")
    # transfer before leads: `/api/v1/leads/transfer` must not read as a lead id.
    for router in (transfer_router, leads_router, actions_router, conversion_router,
                   followups_router, pipelines_router, labels_router, catalog_router,
                   *custom_routers(LEAD_CUSTOM)):
        app.include_router(router)
    return app


app = build_app()
