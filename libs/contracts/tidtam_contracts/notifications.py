"""Events published by the notifications service: webhooks."""

from __future__ import annotations

import uuid
from typing import ClassVar

from pydantic import Field

from .base import EventData


class WebhookDisabledV1(EventData):
    """A webhook endpoint was switched off after its deliveries kept failing (the last
    retry of the schedule, or the receiver answered 410 Gone)."""

    TYPE: ClassVar[str] = "webhook.disabled"
    VERSION: ClassVar[str] = "1"

    id: uuid.UUID = Field(description="The webhook endpoint")
    url: str
    reason: str = Field(description="Why, in English (the last error)")
    attempts: int = Field(description="Attempts made for the delivery that gave up")


EVENTS: list[type[EventData]] = [WebhookDisabledV1]
