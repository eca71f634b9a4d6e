"""What the notifications service publishes: `webhook.disabled` when a webhook's retries
gave up (its own consumer tells the tenant's admins)."""

from __future__ import annotations

from crmkit.events import EventSource
from tidtam_contracts import EventData
from tidtam_contracts.notifications import WebhookDisabledV1
from tidtam_contracts.privacy import PrivacyAnsweredV1

from .config import SERVICE

EVENTS_PUBLISHED: list[type[EventData]] = [WebhookDisabledV1]
EVENTS_PUBLISHED.append(PrivacyAnsweredV1)  # answers to data-subject requests (PDPA)
EVENTS = EventSource(SERVICE, EVENTS_PUBLISHED)
