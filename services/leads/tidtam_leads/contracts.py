"""What the leads service publishes: one explicit list of event contracts (the newest
version of each type, from tidtam_contracts.leads), checked when the app is built, and the
EventSource every producer here makes its events with."""

from __future__ import annotations

from crmkit.events import EventSource
from tidtam_contracts import EventData, deals, lead_setup
from tidtam_contracts.activities import ProjectionBackfillRequestedV1
from tidtam_contracts.leads import (
    LeadAssignedV1,
    LeadConsentChangedV1,
    LeadConversionFailedV2,
    LeadConversionRequestedV1,
    LeadConvertedV2,
    LeadCreatedV2,
    LeadDisqualifiedV1,
    LeadFollowupLoggedV2,
    LeadJunkedV2,
    LeadLostV2,
    LeadQualifiedV1,
    LeadRestoredV2,
    LeadSentV2,
    LeadStageChangedV2,
    LeadTransferredV2,
    LeadUpdatedV2,
)
from tidtam_contracts.privacy import PrivacyAnsweredV1

from .config import SERVICE

EVENTS_PUBLISHED: list[type[EventData]] = [
    LeadCreatedV2, LeadUpdatedV2, LeadSentV2, LeadLostV2, LeadJunkedV2, LeadRestoredV2,
    LeadStageChangedV2, LeadTransferredV2, LeadFollowupLoggedV2, LeadConversionRequestedV1,
    LeadConvertedV2, LeadConversionFailedV2, LeadQualifiedV1, LeadDisqualifiedV1,
    LeadAssignedV1, LeadConsentChangedV1, *lead_setup.EVENTS, *deals.CURRENT,
]
EVENTS_PUBLISHED.append(PrivacyAnsweredV1)  # answers to data-subject requests (PDPA)
# Asks the accounts service to restate accounts and contacts (accounts/backfill.py).
EVENTS_PUBLISHED.append(ProjectionBackfillRequestedV1)
EVENTS = EventSource(SERVICE, EVENTS_PUBLISHED)
