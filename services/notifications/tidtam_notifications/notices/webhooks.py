"""Messages about webhooks: one was disabled after its deliveries kept failing (every admin
of the tenant is told)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on
from tidtam_contracts.notifications import WebhookDisabledV1

from ..users.service import admins
from .deliver import deliver
from .kinds import Message, kind

WEBHOOK_DISABLED = kind("webhook_disabled")


async def webhook_disabled(session: AsyncSession, event: Delivery[WebhookDisabledV1]) -> None:
    hook = event.data
    params = {"webhook_id": str(hook.id), "webhook_url": hook.url, "reason": hook.reason,
              "attempts": hook.attempts}
    messages = [Message(WEBHOOK_DISABLED, admin, event.id, f"#/admin/webhooks/{hook.id}",
                        params) for admin in await admins(session, event.tenant)]
    await deliver(session, event.tenant, uuid.UUID(event.id), messages)


HANDLERS: list[Handler[Any]] = [on(WebhookDisabledV1, webhook_disabled)]
