"""The activities service: `uvicorn tidtam_activities.main:app` (port 8004).

One process runs the API, the outbox relay, the event consumer (crmkit.runtime) and the
reminder worker."""

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
from .privacy.service import ROUTER as privacy_router
from .reminders.worker import reminder_worker

ROUTERS: list[APIRouter] = [privacy_router, activities_router, checkins_router, calendar_router,
                             ics_router]


def build_app(settings: ActivitiesSettings | None = None) -> FastAPI:
    settings = settings or ActivitiesSettings()
    return build_service(settings, title="Tidtam activities",
                         description="Tasks, meetings, calls and emails against leads and "
                                     "accounts; GPS check-ins",
                         routers=ROUTERS, events=EVENTS, handlers=HANDLERS,
                         resources=[reminder_worker(settings)])


app = build_app()
