"""Events published by the leads service.

Every lead event's `data` is the lead after the change (`Lead`, which the leads API's
`LeadOut` extends), plus what the event adds. v2 (the current version) names the lead's box
`box`, as the list query does (`GET /leads?box=`); v1 called it `status` (and `from_status`
in movement events), and its first publications carried the phone's extension apart
(`phone_ext`) where v2 has it inside `phone` (`;ext=12`). The v1 models stay so that
consumers can read v1 events still in outboxes, queues and the archive: `upcast` renames
the two fields and moves the extension into the phone.

`lead.conversion_requested` is not the lead: it is the request to the accounts service.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from .base import EventData
from .common import CustomValues

LeadBox = Literal["inbox", "lost", "junk"]
EXT_SEP = ";ext="  # RFC 3966: the extension inside the phone, as crmkit.text writes it
ConversionStatus = Literal["converting", "converted", "failed"]
Qualification = Literal["qualified", "disqualified"]


class Lead(BaseModel):
    """A lead as every lead event (v2) and the leads API show it."""

    id: uuid.UUID
    name: str
    phone: str = Field(description="E.164, with `;ext=NN` when it has an extension "
                                   "(e.g. `+6621234567;ext=12`)")
    email: str
    company: str | None
    note: str | None
    source: str = Field(description="One of the tenant's lead sources (`key`)")
    owner_id: uuid.UUID
    box: LeadBox = Field(description=(
        "The lead's box. `sent` is not one: it is the list of leads the caller sent on "
        "(`sent_by`), whatever box they are in now"))
    reason: str | None = Field(description="Why it was lost or junked")
    sent_by: list[uuid.UUID] = Field(description="Everyone who sent the lead on, in order")
    pipeline_id: uuid.UUID
    stage_id: uuid.UUID
    potential: Decimal | None = Field(description="Expected value in THB")
    custom: CustomValues
    account_id: uuid.UUID | None = Field(description="The account in the accounts service")
    contact_id: uuid.UUID | None
    conversion_status: ConversionStatus | None = Field(
        description="POST /leads/{id}/convert: `converting` until the accounts service "
                    "has made (or refused) the account and contact")
    version: int = Field(description="Grows by one with every change; the events' `sequence`")
    created_at: datetime
    updated_at: datetime
    product_ids: list[uuid.UUID] = Field(default_factory=list, description=(
        "The products (documents service's catalogue) the lead is interested in"))
    # Added without a new version (optional): absent in events from before it existed.
    qualification: Qualification | None = Field(None, description=(
        "POST /leads/{id}/qualify or /disqualify; null: not judged yet"))


class Followup(BaseModel):
    id: int
    channel: str
    note: str
    next_contact_at: datetime | None = None
    author_id: uuid.UUID
    created_at: datetime


# --- v2: the lead's box is `box` ---------------------------------------------------------

class LeadEvent(Lead, EventData):
    """Every v2 lead event: the lead, plus the event's own fields. Reads v1 by renaming
    `status` → `box` and `from_status` → `from_box`, and by writing an early v1's
    `phone_ext` into `phone` (RFC 3966 `;ext=`, the one form in v2)."""

    VERSION: ClassVar[str] = "2"

    @classmethod
    def upcast(cls, old: EventData) -> Self:
        data = old.model_dump()
        data["box"] = data.pop("status")
        if "from_status" in data:
            data["from_box"] = data.pop("from_status")
        ext = data.pop("phone_ext", None)
        if ext:
            data["phone"] = data["phone"] + EXT_SEP + ext
        return cls.model_validate(data)


class LeadCreatedV2(LeadEvent):
    TYPE: ClassVar[str] = "lead.created"
    # Added without a new version (optional): who made the change, when a person did.
    by_user_id: uuid.UUID | None = Field(None, description=(
        "The user who created the lead (the owner may be someone else: an assignment); "
        "absent in events from before it was recorded"))


class LeadUpdatedV2(LeadEvent):
    TYPE: ClassVar[str] = "lead.updated"
    changed: list[str] = Field(description="The fields that changed")
    # Added without a new version (optional): who made the change, when a person did.
    by_user_id: uuid.UUID | None = Field(None, description=(
        "The user who changed the lead (`owner_id` in `changed`: an assignment); absent "
        "in events from before it was recorded"))


class _Moved(LeadEvent):
    from_box: LeadBox = Field(description="The box it was in before")


class LeadSentV2(_Moved):
    TYPE: ClassVar[str] = "lead.sent"
    from_user_id: uuid.UUID
    to_user_id: uuid.UUID
    # The sender's message; `note` stays the lead's own note, as in every lead event.
    send_note: str | None = None


class LeadLostV2(_Moved):
    TYPE: ClassVar[str] = "lead.lost"


class LeadJunkedV2(_Moved):
    TYPE: ClassVar[str] = "lead.junked"


class LeadRestoredV2(_Moved):
    TYPE: ClassVar[str] = "lead.restored"


class LeadStageChangedV2(LeadEvent):
    TYPE: ClassVar[str] = "lead.stage_changed"
    from_pipeline_id: uuid.UUID
    from_stage_id: uuid.UUID
    to_pipeline_id: uuid.UUID
    to_stage_id: uuid.UUID


class LeadTransferredV2(LeadEvent):
    TYPE: ClassVar[str] = "lead.transferred"
    from_user_id: uuid.UUID
    to_user_id: uuid.UUID


class LeadFollowupLoggedV2(LeadEvent):
    TYPE: ClassVar[str] = "lead.followup_logged"
    followup: Followup


class LeadConvertedV2(LeadEvent):
    TYPE: ClassVar[str] = "lead.converted"
    conversion_id: uuid.UUID


class LeadConversionFailedV2(LeadEvent):
    TYPE: ClassVar[str] = "lead.conversion_failed"
    conversion_id: uuid.UUID
    conversion_error: str


# --- qualification and assignment (issue 16): new types, v1 of each, the v2 lead --------

class LeadQualifiedV1(LeadEvent):
    """The lead was judged worth pursuing, with the answers given (the lead's history keeps
    every qualification, a later one beside the earlier)."""

    TYPE: ClassVar[str] = "lead.qualified"
    VERSION: ClassVar[str] = "1"
    need: str = Field(description="What the customer needs, and whether it fits")
    budget: Decimal | None = Field(None, description="The customer's budget in THB")
    timeframe: str | None = Field(None, description="How soon they mean to buy")
    score: int | None = Field(None, description="0–100")
    by_user_id: uuid.UUID


class LeadDisqualifiedV1(LeadEvent):
    TYPE: ClassVar[str] = "lead.disqualified"
    VERSION: ClassVar[str] = "1"
    disqualify_reason: str = Field(description="Why the lead is not worth pursuing")
    by_user_id: uuid.UUID


class LeadConsentChangedV1(LeadEvent):
    """Someone recorded a change of the person's consent (PDPA) on the lead: they withdrew
    it (`revoked`: for marketing only, or `all` processing they had agreed to) or gave it
    again (`granted`). `marketing` is what holds now: whether marketing to them is allowed
    (null: nothing recorded either way). No consent text: only the change."""

    TYPE: ClassVar[str] = "lead.consent_changed"
    VERSION: ClassVar[str] = "1"
    action: Literal["revoked", "granted"]
    scope: Literal["marketing", "all"] = Field(description="What was withdrawn or given")
    marketing: bool | None = Field(description="Whether marketing to the person is allowed now")
    channel: str = Field(description="How the person told us (phone, email, line, …)")
    by_user_id: uuid.UUID


class LeadAssignedV1(LeadEvent):
    """The lead got an owner someone else chose: a person (creating it for them or changing
    its owner) or an assignment queue (`queue_id`). `owner_id` is the assignee."""

    TYPE: ClassVar[str] = "lead.assigned"
    VERSION: ClassVar[str] = "1"
    from_user_id: uuid.UUID | None = Field(description="The owner before; null for a new lead")
    by_user_id: uuid.UUID | None = Field(description="Who made the change (the maker, for a "
                                                     "queue's assignment of a new lead)")
    queue_id: uuid.UUID | None = Field(None, description="The queue that chose the owner")
    queue_name: str | None = None


# --- v1 (superseded): the lead's box was `status` ---------------------------------------

class LeadV1(EventData):
    """The lead as v1 events carried it (as published, defaults included; the first ones
    carried the phone's extension apart, in `phone_ext`)."""

    VERSION: ClassVar[str] = "1"

    id: uuid.UUID
    name: str
    phone: str
    phone_ext: str | None = None
    email: str
    company: str | None = None
    note: str | None = None
    source: str
    owner_id: uuid.UUID
    status: str
    reason: str | None = None
    sent_by: list[uuid.UUID]
    pipeline_id: uuid.UUID
    stage_id: uuid.UUID
    potential: Decimal | None = None
    custom: CustomValues = {}
    account_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    conversion_status: str | None = None
    version: int
    created_at: datetime
    updated_at: datetime


class LeadCreatedV1(LeadV1):
    TYPE: ClassVar[str] = "lead.created"


class LeadUpdatedV1(LeadV1):
    TYPE: ClassVar[str] = "lead.updated"
    changed: list[str]


class LeadSentV1(LeadV1):
    TYPE: ClassVar[str] = "lead.sent"
    from_user_id: uuid.UUID
    to_user_id: uuid.UUID
    from_status: str
    send_note: str | None = None


class LeadLostV1(LeadV1):
    TYPE: ClassVar[str] = "lead.lost"
    from_status: str


class LeadJunkedV1(LeadV1):
    TYPE: ClassVar[str] = "lead.junked"
    from_status: str


class LeadRestoredV1(LeadV1):
    TYPE: ClassVar[str] = "lead.restored"
    from_status: str


class LeadStageChangedV1(LeadV1):
    TYPE: ClassVar[str] = "lead.stage_changed"
    from_pipeline_id: uuid.UUID
    from_stage_id: uuid.UUID
    to_pipeline_id: uuid.UUID
    to_stage_id: uuid.UUID


class LeadTransferredV1(LeadV1):
    TYPE: ClassVar[str] = "lead.transferred"
    from_user_id: uuid.UUID
    to_user_id: uuid.UUID


class LeadFollowupLoggedV1(LeadV1):
    TYPE: ClassVar[str] = "lead.followup_logged"
    followup: Followup


class LeadConvertedV1(LeadV1):
    TYPE: ClassVar[str] = "lead.converted"
    conversion_id: uuid.UUID


class LeadConversionFailedV1(LeadV1):
    TYPE: ClassVar[str] = "lead.conversion_failed"
    conversion_id: uuid.UUID
    conversion_error: str


# Each v2 reads its v1.
for _new, _old in ((LeadCreatedV2, LeadCreatedV1), (LeadUpdatedV2, LeadUpdatedV1),
                   (LeadSentV2, LeadSentV1), (LeadLostV2, LeadLostV1),
                   (LeadJunkedV2, LeadJunkedV1), (LeadRestoredV2, LeadRestoredV1),
                   (LeadStageChangedV2, LeadStageChangedV1),
                   (LeadTransferredV2, LeadTransferredV1),
                   (LeadFollowupLoggedV2, LeadFollowupLoggedV1),
                   (LeadConvertedV2, LeadConvertedV1),
                   (LeadConversionFailedV2, LeadConversionFailedV1)):
    _new.PREVIOUS = _old


# --- the conversion request (to the accounts service) -----------------------------------

class RequestedBy(BaseModel):
    """Who asked: the accounts service acts as this person (their account visibility)."""

    user_id: uuid.UUID
    role: Literal["admin", "manager", "sales", "integration"]  # crmkit.context.Role
    team_id: uuid.UUID | None = None
    account_owner_ids: list[uuid.UUID] | None = Field(
        description="Owners whose accounts the requester may see; null: every account")


class ContactDraft(BaseModel):
    """The contact to make from the lead: its name, phone and email, plus the request's
    `contact` overrides (any field of the accounts API's ContactCreate)."""

    model_config = ConfigDict(extra="allow")

    name: str
    phones: list[str]
    emails: list[str]


class LeadConversionRequestedV1(EventData):
    TYPE: ClassVar[str] = "lead.conversion_requested"
    VERSION: ClassVar[str] = "1"

    conversion_id: uuid.UUID = Field(description="Idempotency key of this conversion: the "
                                                 "account and contact ids derive from it")
    lead_id: uuid.UUID
    account_id: uuid.UUID | None = Field(description="Link to this existing account, or …")
    account: dict[str, Any] | None = Field(
        description="… make a new account with these AccountCreate fields (the lead's "
                    "defaults, overridden by the request's `account`)")
    contact: ContactDraft
    requested_by: RequestedBy


# Every lead event the leads service publishes today (the newest versions)…
CURRENT: list[type[EventData]] = [
    LeadCreatedV2, LeadUpdatedV2, LeadSentV2, LeadLostV2, LeadJunkedV2, LeadRestoredV2,
    LeadStageChangedV2, LeadTransferredV2, LeadFollowupLoggedV2, LeadConvertedV2,
    LeadConversionFailedV2, LeadConversionRequestedV1, LeadQualifiedV1, LeadDisqualifiedV1,
    LeadAssignedV1, LeadConsentChangedV1,
]
# … and every version a consumer may still receive.
EVENTS: list[type[EventData]] = [*CURRENT, *(m.PREVIOUS for m in CURRENT if m.PREVIOUS)]
