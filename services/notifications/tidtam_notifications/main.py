"""The notifications service: `uvicorn tidtam_notifications.main:app` (port 8003).

One process runs the API, the outbox relay, the event consumer (crmkit.runtime), the mail
worker, the webhook delivery worker and the stream's LISTEN."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from crmkit.runtime import build_service

from .config import NotificationsSettings
from .consumers import HANDLERS
from .contracts import EVENTS
from .feed.router import router as feed_router
from .mail.router import router as log_router
from .mail.worker import mail_worker
from .notices.router import router as notices_router
from .notices.stream import notice_hub
from .privacy.service import ROUTER as privacy_router
from .webhooks.fanout import flush as fan_out
from .webhooks.router import router as webhooks_router
from .webhooks.worker import webhook_worker

# No ordering needed: the only path parameters are ids (`{webhook_id:id}`), never a literal.
ROUTERS: list[APIRouter] = [privacy_router, notices_router, log_router, feed_router,
                             webhooks_router]


def build_app(settings: NotificationsSettings | None = None) -> FastAPI:
    settings = settings or NotificationsSettings()
    return build_service(settings, title="Tidtam notifications",
                         description="In-app notices with a live unread count, email, "
                                     "notification preferences, webhooks, the event feed",
                         routers=ROUTERS, events=EVENTS, handlers=HANDLERS,
                         resources=[notice_hub, mail_worker(settings),
                                    webhook_worker(settings)],
                         # The feed and the webhooks' fan-out: one statement per transaction.
                         before_commit=fan_out)


app = build_app()
