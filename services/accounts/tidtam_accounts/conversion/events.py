"""The accounts service's answers to `lead.conversion_requested` (published by leads)."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from crmkit.context import Role
from crmkit.events import event_data


@event_data("account.lead_converted")
class AccountLeadConvertedV1(BaseModel):
    conversion_id: uuid.UUID
    lead_id: uuid.UUID
    account_id: uuid.UUID
    contact_id: uuid.UUID


@event_data("account.conversion_failed")
class AccountConversionFailedV1(BaseModel):
    conversion_id: uuid.UUID
    lead_id: uuid.UUID
    reason: str = Field(description="What to fix, e.g. a field the account refused, an "
                                    "account the requester may not see, the contact quota")


class RequestedBy(BaseModel):
    user_id: uuid.UUID
    role: Role
    team_id: uuid.UUID | None = None
    account_owner_ids: list[uuid.UUID] | None = None


class ConversionRequested(BaseModel):
    """The accounts service's reading of leads' `lead.conversion_requested` (registered
    there)."""

    model_config = ConfigDict(extra="ignore")

    conversion_id: uuid.UUID
    lead_id: uuid.UUID
    account_id: uuid.UUID | None = None
    account: dict[str, Any] | None = None
    contact: dict[str, Any]
    requested_by: RequestedBy
