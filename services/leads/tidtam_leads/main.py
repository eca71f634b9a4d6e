"""The leads service: `uvicorn tidtam_leads.main:app` (port 8001).

One process runs the API, the outbox relay and the event consumer (crmkit.runtime)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from crmkit.custom import custom_routers
from crmkit.custom.cache import RulesCache
from crmkit.runtime import build_service
from crmkit.sheets import sheet_routers

from .actions.router import router as actions_router
from .bulk.router import router as bulk_router
from .catalog import cache
from .catalog.router import router as catalog_router
from .config import LeadsSettings
from .consent.router import router as consent_router
from .consumers import HANDLERS
from .contracts import EVENTS
from .conversion.client import http_client
from .conversion.router import router as conversion_router
from .deals.router import router as deals_router
from .followups.router import router as followups_router
from .labels.router import router as labels_router
from .leads.router import router as leads_router
from .leads.service import CUSTOM as LEAD_CUSTOM
from .pipelines.router import router as pipelines_router
from .privacy.service import ROUTER as privacy_router
from .qualify.router import router as qualify_router
from .queues.router import router as queues_router
from .sheets.service import SHEETS
from .transfer.router import router as transfer_router

# transfer and bulk before leads: `/api/v1/leads/transfer` must not read as a lead id.
ROUTERS: list[APIRouter] = [privacy_router,
    transfer_router, bulk_router, leads_router, actions_router, qualify_router,
    consent_router, conversion_router, followups_router, pipelines_router, queues_router,
    labels_router,
    catalog_router, deals_router, *custom_routers(LEAD_CUSTOM),
    *sheet_routers(SHEETS)]


def build_app(settings: LeadsSettings | None = None) -> FastAPI:
    settings = settings or LeadsSettings()
    setup = cache.SetupCache()

    @asynccontextmanager
    async def accounts_http(app: FastAPI) -> AsyncIterator[None]:
        # One pooled client for reads from the accounts service (conversion/client.py).
        async with http_client(settings.accounts_url, settings.accounts_timeout,
                               keep_alive=settings.keep_alive_seconds) as client:
            app.state.accounts_http = client
            yield

    rules = RulesCache()  # custom-field rules, dropped on NOTIFY of a change
    return build_service(settings, title="Tidtam leads",
                         description="Leads, boxes, follow-up log, pipelines and labels",
                         routers=ROUTERS, events=EVENTS, handlers=HANDLERS,
                         resources=[accounts_http, setup.resource, rules.resource],
                         # The caches belong to this app, carried by its sessions.
                         session_info={**cache.session_info(setup), **rules.session_info()})


app = build_app()
