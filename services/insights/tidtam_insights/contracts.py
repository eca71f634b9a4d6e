"""What the insights service publishes: nothing (it only reads events); its EventSource is
the kit's, empty."""

from __future__ import annotations

from crmkit.events import EventSource
from tidtam_contracts import EventData

from .config import SERVICE

EVENTS_PUBLISHED: list[type[EventData]] = []
EVENTS = EventSource(SERVICE, EVENTS_PUBLISHED)
