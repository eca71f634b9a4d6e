"""Data-subject requests (PDPA): the gateway's `privacy.requested`, every service's
`privacy.answered`.

Neither carries personal data. The request names the person by keyed hashes of their email,
phone and LINE id (HMAC-SHA256 under a key every service derives from the context secret,
crmkit.privacy): a subscriber of the event stream, or the archive queue, learns nothing it
could reverse, and a service finds the person by hashing what it holds the same way. The
answer gives counts and what was kept and why; an export's data never travels in an event
(the gateway fetches each service's part over an internal signed call)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from .base import EventData

Kind = Literal["export", "erase"]


class PrivacyRequestedV1(EventData):
    TYPE: ClassVar[str] = "privacy.requested"
    VERSION: ClassVar[str] = "1"

    request_id: uuid.UUID
    kind: Kind
    email_hash: str | None = Field(description="Keyed hash of the lower-cased email")
    phone_hash: str | None = Field(description="Keyed hash of the phone in E.164")
    line_id_hash: str | None = Field(description="Keyed hash of the LINE user id")
    requested_by: uuid.UUID
    requested_at: datetime


class PrivacyResolvedV1(EventData):
    """The gateway, once the services that know people by their keys (leads, accounts) have
    answered: the same request with the ids of the records they found, for the services
    that know the person only by those ids (activities, documents, notifications)."""

    TYPE: ClassVar[str] = "privacy.resolved"
    VERSION: ClassVar[str] = "1"

    request_id: uuid.UUID
    kind: Kind
    email_hash: str | None
    phone_hash: str | None
    line_id_hash: str | None
    subjects: list[uuid.UUID] = Field(description="Ids of the person's leads, accounts and "
                                                  "contacts")


class Kept(BaseModel):
    """What a service kept of the person although asked to erase, and why."""

    what: str = Field(description="e.g. `tax_invoices.customer_name,customer_address`")
    count: int
    reason: str


class PrivacyAnsweredV1(EventData):
    TYPE: ClassVar[str] = "privacy.answered"
    VERSION: ClassVar[str] = "1"

    request_id: uuid.UUID
    service: str
    kind: Kind
    found: dict[str, int] = Field(description="Records found per kind (leads, contacts, ...)")
    kept: list[Kept] = Field(default_factory=list)
    subjects: list[uuid.UUID] = Field(
        default_factory=list,
        description="Ids of the records found (events about them are the person's)")
    answered_at: datetime


CURRENT: list[type[EventData]] = [PrivacyRequestedV1, PrivacyResolvedV1, PrivacyAnsweredV1]
EVENTS: list[type[EventData]] = list(CURRENT)
