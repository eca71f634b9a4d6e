"""What the notifications service publishes: nothing yet (webhooks will add
`webhook.disabled`); its outbox and relay are in place, as in every service."""

from __future__ import annotations

from crmkit.events import EventSource
from tidtam_contracts import EventData

from .config import SERVICE

EVENTS_PUBLISHED: list[type[EventData]] = []
EVENTS = EventSource(SERVICE, EVENTS_PUBLISHED)
