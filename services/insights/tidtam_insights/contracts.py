"""What the insights service publishes: nothing (it only reads events); its EventSource is
the kit's, empty."""

from __future__ import annotations

from crmkit.events import EventSource
from tidtam_contracts import EventData
from tidtam_contracts.privacy import PrivacyAnsweredV1

from .config import SERVICE

EVENTS_PUBLISHED: list[type[EventData]] = [PrivacyAnsweredV1]  # answers to PDPA requests
EVENTS = EventSource(SERVICE, EVENTS_PUBLISHED)
