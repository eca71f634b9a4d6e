"""What the activities service publishes (tidtam_contracts.activities)."""

from __future__ import annotations

from crmkit.events import EventSource
from tidtam_contracts import EventData
from tidtam_contracts.activities import CURRENT

from .config import SERVICE

EVENTS_PUBLISHED: list[type[EventData]] = list(CURRENT)
EVENTS = EventSource(SERVICE, EVENTS_PUBLISHED)
