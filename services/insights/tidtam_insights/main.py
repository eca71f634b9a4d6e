"""The insights service: `uvicorn tidtam_insights.main:app` (port 8007).

One process runs the API and the event consumer that keeps the read model (crmkit.runtime);
it publishes nothing."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from crmkit.runtime import build_service

from .config import InsightsSettings
from .consumers import HANDLERS
from .contracts import EVENTS
from .facts import counters
from .privacy.service import ROUTER as privacy_router
from .reports.router import router as reports_router
from .targets.router import router as targets_router

ROUTERS: list[APIRouter] = [privacy_router, targets_router, reports_router]


def build_app(settings: InsightsSettings | None = None) -> FastAPI:
    settings = settings or InsightsSettings()
    return build_service(settings, title="Tidtam insights",
                         description="Reports over a read model fed by events: lead funnel, "
                                     "pipeline, forecast, won and lost deals, sources, "
                                     "activities and sales targets",
                         routers=ROUTERS, events=EVENTS, handlers=HANDLERS,
                         before_commit=counters.flush)


app = build_app()
