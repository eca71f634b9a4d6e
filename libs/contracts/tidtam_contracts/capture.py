"""Events published by the capture service (web forms, and later LINE, Facebook, email).

`lead.captured`: a person reached the tenant through a channel. The leads service makes a
lead of it, or a follow-up on the person's open lead (same phone, email or LINE id). It
carries the consent the person gave (PDPA): the text they were shown, its version, when,
through which channel and from which client address.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from .base import EventData

Channel = Literal["web_form", "line", "facebook", "email"]


class Consent(BaseModel):
    """What the person agreed to, as shown to them (PDPA)."""

    text: str = Field(description="The consent text exactly as shown, in `language`")
    version: str
    language: Literal["th", "en"]
    given_at: datetime
    channel: Channel
    client_address: str | None = Field(description="The client's IP address, where known")
    marketing: bool = Field(description="Whether they also agreed to marketing")


class LeadCapturedV1(EventData):
    TYPE: ClassVar[str] = "lead.captured"
    VERSION: ClassVar[str] = "1"

    submission_id: uuid.UUID = Field(description="The capture's idempotency key: a client's "
                                                 "submission id, or the channel's delivery id")
    channel: Channel
    form_id: uuid.UUID | None = Field(description="The web form it came through")
    source: str = Field(description="The lead source key the lead gets")
    owner_id: uuid.UUID | None = Field(description="Who the new lead goes to (the form's "
                                                   "owner); none: the tenant's first admin")
    name: str
    phone: str = Field(description="E.164, or empty")
    email: str = Field(description="Lower-cased, or empty")
    company: str | None
    note: str | None
    line_id: str | None = None
    product_ids: list[uuid.UUID] = Field(default_factory=list, description=(
        "Catalogue products the new lead is interested in (the form's setting)"))
    custom: dict[str, str] = Field(description="The form's custom fields, by label")
    consent: Consent | None
    captured_at: datetime


class FacebookLeadReceivedV1(EventData):
    """A Facebook Lead Ads webhook named a new `leadgen_id` (verified, taken once). The capture
    service itself fetches the lead's fields from the Graph API on it (retried until the fetch
    works) and publishes `lead.captured`. No personal data: only Facebook's ids."""

    TYPE: ClassVar[str] = "capture.facebook_lead_received"
    VERSION: ClassVar[str] = "1"

    leadgen_id: str
    page_id: str
    form_id: str | None = Field(description="Facebook's lead form id, when given")
    received_at: datetime


class LineEventReceivedV1(EventData):
    """A LINE OA webhook brought a follow or a message not taken before (verified). The
    capture service itself fetches the person's profile (their display name) from LINE's API
    on it and publishes `lead.captured`. No personal data: the event's id only (the capture
    service keeps the rest until it is processed)."""

    TYPE: ClassVar[str] = "capture.line_event_received"
    VERSION: ClassVar[str] = "1"

    webhook_event_id: str
    received_at: datetime


CURRENT: list[type[EventData]] = [LeadCapturedV1, FacebookLeadReceivedV1, LineEventReceivedV1]
EVENTS: list[type[EventData]] = list(CURRENT)
