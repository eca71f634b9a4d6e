"""What the capture service publishes (tidtam_contracts.capture)."""

from __future__ import annotations

from crmkit.events import EventSource
from tidtam_contracts import EventData
from tidtam_contracts.capture import CURRENT

from .config import SERVICE

EVENTS_PUBLISHED: list[type[EventData]] = list(CURRENT)
EVENTS = EventSource(SERVICE, EVENTS_PUBLISHED)
