"""The activities service: `uvicorn tidtam_activities.main:app` (port 8004).

One process runs the API, the outbox relay and the event consumer (crmkit.runtime)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from crmkit.runtime import build_service

from .activities.router import router as activities_router
from .calendar.router import public as ics_router
from .calendar.router import router as calendar_router
from .checkins.router import router as checkins_router
from .config import ActivitiesSettings
from .consumers import HANDLERS
from .contracts import EVENTS

ROUTERS: list[APIRouter] = [activities_router, checkins_router, calendar_router, ics_router]


def build_app(settings: ActivitiesSettings | None = None) -> FastAPI:
    settings = settings or ActivitiesSettings()
    return build_service(settings, title="Tidtam activities",
                         description="Tasks, meetings, calls and emails against leads and "
                                     "accounts; GPS check-ins",
                         routers=ROUTERS, events=EVENTS, handlers=HANDLERS)


app = build_app()
