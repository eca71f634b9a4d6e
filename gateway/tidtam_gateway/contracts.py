"""What the gateway publishes: one explicit list of event contracts (the newest version of
each type, from tidtam_contracts.gateway), checked when the app is built, and the
EventSource its code makes events with."""

from __future__ import annotations

from crmkit.events import EventSource
from tidtam_contracts import EventData
from tidtam_contracts.gateway import (
    TeamCreatedV1,
    TeamDeletedV1,
    TeamRenamedV1,
    TenantCreatedV1,
    TenantPlanChangedV1,
    TenantSettingsChangedV1,
    UserCreatedV1,
    UserDeactivatedV1,
    UserUpdatedV1,
)
from tidtam_contracts.privacy import PrivacyRequestedV1, PrivacyResolvedV1

SERVICE = "gateway"
EVENTS_PUBLISHED: list[type[EventData]] = [
    TenantCreatedV1, TenantPlanChangedV1, TenantSettingsChangedV1, UserCreatedV1, UserUpdatedV1,
    UserDeactivatedV1, TeamCreatedV1, TeamRenamedV1, TeamDeletedV1,
    PrivacyRequestedV1, PrivacyResolvedV1,
]
EVENTS = EventSource(SERVICE, EVENTS_PUBLISHED)
