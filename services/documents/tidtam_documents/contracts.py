"""What the documents service publishes (tidtam_contracts.documents), in one list: the
AsyncAPI catalogue and the outbox's check of every staged event come from it."""

from __future__ import annotations

from crmkit.events import EventSource
from tidtam_contracts import EventData
from tidtam_contracts.documents import (
    ProductCreatedV1,
    ProductUpdatedV1,
    QuoteAcceptedV1,
    QuoteIssuedV1,
    QuoteRejectedV1,
    QuoteSentV1,
)
from tidtam_contracts.privacy import PrivacyAnsweredV1

from .config import SERVICE

EVENTS_PUBLISHED: list[type[EventData]] = [ProductCreatedV1, ProductUpdatedV1, QuoteIssuedV1,
                                           QuoteAcceptedV1, QuoteRejectedV1, QuoteSentV1]
EVENTS_PUBLISHED.append(PrivacyAnsweredV1)  # answers to data-subject requests (PDPA)
EVENTS = EventSource(SERVICE, EVENTS_PUBLISHED)
