"""Events published by the gateway: tenants, users and teams."""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from .base import EventData

CONTACT_LIMIT_DOC = "Contacts the tenant may keep on its plan; null: no limit"


class TenantCreatedV1(EventData):
    TYPE: ClassVar[str] = "tenant.created"
    VERSION: ClassVar[str] = "1"

    id: uuid.UUID
    name: str
    plan: str
    contact_limit: int | None = Field(None, description=CONTACT_LIMIT_DOC + " (absent from "
                                      "events of tenants made before plans had limits)")


class TenantPlanChangedV1(EventData):
    TYPE: ClassVar[str] = "tenant.plan_changed"
    VERSION: ClassVar[str] = "1"

    id: uuid.UUID
    plan: str
    contact_limit: int | None = Field(description=CONTACT_LIMIT_DOC)


class User(BaseModel):
    """A user as the user events and the gateway's users API show it."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    email: str
    name: str
    role: str
    team_id: uuid.UUID | None
    active: bool


class _UserV1(User, EventData):
    VERSION: ClassVar[str] = "1"

    # Added without a new version: optional with a default, so v1 data without it reads as
    # before (Thai) and a consumer that does not know it ignores it.
    language: Literal["th", "en"] = Field("th", description=(
        "The language the user reads Tidtam in (emails and notices); absent: th"))


class UserCreatedV1(_UserV1):
    TYPE: ClassVar[str] = "user.created"


class UserUpdatedV1(_UserV1):
    TYPE: ClassVar[str] = "user.updated"


class UserDeactivatedV1(_UserV1):
    TYPE: ClassVar[str] = "user.deactivated"

    leads_to_user_id: uuid.UUID | None = Field(None, description=(
        "When set, the leads service moves every lead the user owns to this user, in the "
        "same transaction as it applies the deactivation (an admin's choice when "
        "deactivating); absent or null: the leads stay with the deactivated user"))
    by_user_id: uuid.UUID | None = Field(None, description=(
        "The admin who deactivated the user (the author of the leads' transfer history)"))


TimeZone = Literal[
    "Asia/Bangkok", "Asia/Yangon", "Asia/Vientiane", "Asia/Phnom_Penh", "Asia/Ho_Chi_Minh",
    "Asia/Kuala_Lumpur", "Asia/Singapore", "Asia/Jakarta", "Asia/Manila", "Asia/Hong_Kong",
    "Asia/Shanghai", "Asia/Taipei", "Asia/Seoul", "Asia/Tokyo", "Asia/Kolkata", "Asia/Dubai",
    "Australia/Sydney", "Europe/London", "Europe/Berlin", "Europe/Paris",
    "America/New_York", "America/Los_Angeles", "UTC"]
AgendaTime = Literal["05:00", "06:00", "07:00", "08:00", "09:00", "10:00"]


class TenantSettingsChangedV1(EventData):
    """The tenant's calendar settings, whenever an admin changes a setting."""

    TYPE: ClassVar[str] = "tenant.settings_changed"
    VERSION: ClassVar[str] = "1"

    id: uuid.UUID
    time_zone: TimeZone = Field(description="The zone the tenant's calendar days are in")
    agenda_time: AgendaTime = Field(description="When, local time, each user's daily agenda "
                                                "is sent")
    # Added without a new version: optional with a default, so v1 data without it reads as
    # before (Arabic digits) and a consumer that does not know it ignores it.
    document_digits: Literal["arabic", "thai"] = Field("arabic", description=(
        "The digits documents (quotations, invoices, tax invoices) print numbers, amounts "
        "and dates in; absent: arabic"))


class _TeamV1(EventData):
    VERSION: ClassVar[str] = "1"

    id: uuid.UUID
    tenant_id: uuid.UUID


class TeamCreatedV1(_TeamV1):
    TYPE: ClassVar[str] = "team.created"

    name: str


class TeamRenamedV1(_TeamV1):
    TYPE: ClassVar[str] = "team.renamed"

    name: str


class TeamDeletedV1(_TeamV1):
    TYPE: ClassVar[str] = "team.deleted"


USER_EVENTS: list[type[EventData]] = [UserCreatedV1, UserUpdatedV1, UserDeactivatedV1]
CURRENT: list[type[EventData]] = [TenantCreatedV1, TenantPlanChangedV1,
                                  TenantSettingsChangedV1, *USER_EVENTS,
                                  TeamCreatedV1, TeamRenamedV1, TeamDeletedV1]
EVENTS: list[type[EventData]] = list(CURRENT)
