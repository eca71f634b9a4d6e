"""The capture service: `uvicorn tidtam_capture.main:app` (port 8006).

Leads from outside: web forms (admin CRUD, the public post, the hosted page), a LINE
OA webhook, Facebook Lead Ads and inbound email (a provider's webhook or the service's own
SMTP receiver), each
submission a `lead.captured` event that the leads service makes a lead (or a follow-up) of.
One process runs the API, the outbox relay and the event consumer (crmkit.runtime)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from crmkit.runtime import build_service

from .config import CaptureSettings
from .consumers import HANDLERS
from .contracts import EVENTS
from .facebook.router import open_router as facebook_hook
from .facebook.router import router as facebook_router
from .forms.router import open_router
from .forms.router import router as forms_router
from .http import KEY as HTTP_KEY
from .http import Outbound
from .http import resource as http_resource
from .line.router import open_router as line_hook
from .line.router import router as line_router
from .mail.router import open_router as email_hook
from .mail.router import router as email_router
from .mail.smtp import smtp_receiver
from .privacy.service import ROUTER as privacy_router
from .products.router import ROUTER as products_router

ROUTERS: list[APIRouter] = [privacy_router, forms_router, open_router, line_router, line_hook,
                             facebook_router, facebook_hook, email_router, email_hook,
                             products_router]


def build_app(settings: CaptureSettings | None = None) -> FastAPI:
    settings = settings or CaptureSettings()
    http = Outbound()
    return build_service(settings, title="Tidtam capture",
                         description="Leads from web forms, with the person's consent",
                         routers=ROUTERS, events=EVENTS, handlers=HANDLERS,
                         resources=[smtp_receiver(settings), http_resource(http)],
                         session_info={HTTP_KEY: http})


app = build_app()
