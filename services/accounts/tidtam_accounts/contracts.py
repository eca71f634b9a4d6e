"""What the accounts service publishes: one explicit list of event contracts (the newest
version of each type, from tidtam_contracts.accounts), checked when the app is built, and
the EventSource every producer here makes its events with."""

from __future__ import annotations

from crmkit.events import EventSource
from tidtam_contracts import EventData
from tidtam_contracts.accounts import (
    AccountConversionFailedV1,
    AccountCreatedV1,
    AccountDeletedV1,
    AccountLeadConvertedV1,
    AccountMergedV1,
    AccountRestatedV1,
    AccountUpdatedV1,
    ContactCreatedV1,
    ContactDeletedV1,
    ContactRestatedV1,
    ContactUpdatedV1,
)
from tidtam_contracts.privacy import PrivacyAnsweredV1

from .config import SERVICE

EVENTS_PUBLISHED: list[type[EventData]] = [
    AccountCreatedV1, AccountUpdatedV1, AccountMergedV1, AccountDeletedV1, AccountRestatedV1,
    ContactCreatedV1, ContactUpdatedV1, ContactDeletedV1, ContactRestatedV1,
    AccountLeadConvertedV1, AccountConversionFailedV1,
]
EVENTS_PUBLISHED.append(PrivacyAnsweredV1)  # answers to data-subject requests (PDPA)
EVENTS = EventSource(SERVICE, EVENTS_PUBLISHED)
