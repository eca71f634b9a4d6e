"""What the activities service publishes (tidtam_contracts.activities)."""

from __future__ import annotations

from crmkit.events import EventSource
from tidtam_contracts import EventData
from tidtam_contracts.activities import CURRENT
from tidtam_contracts.privacy import PrivacyAnsweredV1

from .config import SERVICE

EVENTS_PUBLISHED: list[type[EventData]] = list(CURRENT)
EVENTS_PUBLISHED.append(PrivacyAnsweredV1)  # answers to data-subject requests (PDPA)
EVENTS = EventSource(SERVICE, EVENTS_PUBLISHED)
