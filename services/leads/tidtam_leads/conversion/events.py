"""Conversion events.

Published by leads: `lead.conversion_requested` (a command-like request to the accounts
service, staged with the lead's `converting` state), `lead.converted` and
`lead.conversion_failed` (the lead after the outcome, like every lead event).

Consumed from accounts (their models are registered there; these are leads' reading of
them): `account.lead_converted`, `account.conversion_failed`, `account.merged`.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from crmkit.context import Role
from crmkit.events import event_data

from ..leads.events import LeadData


class RequestedBy(BaseModel):
    """Who asked: the accounts service acts as this person (their account visibility)."""

    user_id: uuid.UUID
    role: Role
    team_id: uuid.UUID | None = None
    account_owner_ids: list[uuid.UUID] | None = Field(
        description="Owners whose accounts the requester may see; null: every account")


class ContactDraft(BaseModel):
    """The contact to make from the lead: its name, phone and email, plus the request's
    `contact` overrides (any ContactCreate field)."""

    model_config = ConfigDict(extra="allow")

    name: str
    phones: list[str]
    emails: list[str]


@event_data("lead.conversion_requested")
class LeadConversionRequestedV1(BaseModel):
    conversion_id: uuid.UUID = Field(description="Idempotency key of this conversion: the "
                                                 "account and contact ids derive from it")
    lead_id: uuid.UUID
    account_id: uuid.UUID | None = Field(description="Link to this existing account, or …")
    account: dict[str, Any] | None = Field(
        description="… make a new account with these AccountCreate fields (the lead's "
                    "defaults, overridden by the request's `account`)")
    contact: ContactDraft
    requested_by: RequestedBy


@event_data("lead.converted")
class LeadConvertedV1(LeadData):
    conversion_id: uuid.UUID


@event_data("lead.conversion_failed")
class LeadConversionFailedV1(LeadData):
    conversion_id: uuid.UUID
    conversion_error: str


class AccountLeadConverted(BaseModel):
    conversion_id: uuid.UUID
    lead_id: uuid.UUID
    account_id: uuid.UUID
    contact_id: uuid.UUID


class AccountConversionFailed(BaseModel):
    conversion_id: uuid.UUID
    lead_id: uuid.UUID
    reason: str


class AccountMerged(BaseModel):
    id: uuid.UUID
    from_id: uuid.UUID
