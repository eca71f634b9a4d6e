"""Events published by the accounts service.

`account.*` carry the account after the change (`Account`, which the accounts API's
`AccountOut` extends) and `contact.*` the contact (`Contact`, extended by `ContactOut`);
`account.lead_converted` and `account.conversion_failed` answer leads'
`lead.conversion_requested`.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field

from .base import EventData
from .common import CustomValues

AccountKind = Literal["company", "person"]


class AccountAddress(BaseModel):
    """A Thai address: `line` is house number, building, street…; then ตำบล/แขวง, อำเภอ/เขต,
    จังหวัด and the postcode."""

    line: str | None = None
    subdistrict: str | None = Field(None, description="ตำบล / แขวง")
    district: str | None = Field(None, description="อำเภอ / เขต")
    province: str | None = Field(None, description="จังหวัด, e.g. เชียงใหม่")
    postcode: str | None = None


class GeoLocation(BaseModel):
    lat: float
    lon: float


class PercentOff(BaseModel):
    kind: Literal["percent"]
    value: Decimal


class AmountOff(BaseModel):
    kind: Literal["amount"]
    value: Decimal = Field(description="Amount in THB")


Discount = Annotated[PercentOff | AmountOff, Field(discriminator="kind")]


class AccountAnniversary(BaseModel):
    kind: Literal["birthday", "founding", "other"]
    date: date
    contact_id: uuid.UUID | None = None
    note: str | None = None


class Account(BaseModel):
    """An account as every account event and the accounts API show it."""

    id: uuid.UUID
    kind: AccountKind
    name: str
    name_en: str | None
    tax_id: str | None
    branch: str | None
    branch_label: str | None = Field(description="สำนักงานใหญ่ or สาขาที่ 00001")
    address: AccountAddress | None
    phones: list[str]
    emails: list[str]
    website: str | None
    line_id: str | None
    location: GeoLocation | None
    owner_id: uuid.UUID
    credit_limit: Decimal | None
    credit_days: int | None
    bill_discount: Discount | None
    anniversaries: list[AccountAnniversary]
    labels: list[str]
    custom: CustomValues
    version: int
    created_at: datetime
    updated_at: datetime


class Contact(BaseModel):
    """A contact as every contact event and the accounts API show it."""

    id: uuid.UUID
    account_id: uuid.UUID
    name: str
    position: str | None
    phones: list[str]
    emails: list[str]
    line_id: str | None
    birthday: date | None
    is_primary: bool
    version: int
    created_at: datetime
    updated_at: datetime


class AccountEventV1(Account, EventData):
    VERSION: ClassVar[str] = "1"


class AccountCreatedV1(AccountEventV1):
    TYPE: ClassVar[str] = "account.created"


class AccountUpdatedV1(AccountEventV1):
    TYPE: ClassVar[str] = "account.updated"
    changed: list[str]


class AccountMergedV1(AccountEventV1):
    """The surviving account, and the one merged into it (then gone)."""

    TYPE: ClassVar[str] = "account.merged"
    from_id: uuid.UUID
    contact_ids: list[uuid.UUID] = Field(description="The contacts moved to the survivor")


class AccountDeletedV1(AccountEventV1):
    TYPE: ClassVar[str] = "account.deleted"


class AccountRestatedV1(AccountEventV1):
    """An account as it stands, published again (not a change) for a service whose
    projection missed its history: answers `projection.backfill_requested` (aggregate
    `account`). Its `sequence` is the account's version, so it never overwrites a newer
    event."""

    TYPE: ClassVar[str] = "account.restated"


class ContactEventV1(Contact, EventData):
    VERSION: ClassVar[str] = "1"


class ContactCreatedV1(ContactEventV1):
    TYPE: ClassVar[str] = "contact.created"


class ContactUpdatedV1(ContactEventV1):
    TYPE: ClassVar[str] = "contact.updated"
    changed: list[str]


class ContactDeletedV1(ContactEventV1):
    TYPE: ClassVar[str] = "contact.deleted"


class ContactRestatedV1(ContactEventV1):
    """A contact as it stands, published again (not a change) for a service whose
    projection missed its history: answers `projection.backfill_requested`. Its `sequence`
    is the contact's version, so it never overwrites a newer event."""

    TYPE: ClassVar[str] = "contact.restated"


class AccountLeadConvertedV1(EventData):
    TYPE: ClassVar[str] = "account.lead_converted"
    VERSION: ClassVar[str] = "1"

    conversion_id: uuid.UUID
    lead_id: uuid.UUID
    account_id: uuid.UUID
    contact_id: uuid.UUID


class AccountConversionFailedV1(EventData):
    TYPE: ClassVar[str] = "account.conversion_failed"
    VERSION: ClassVar[str] = "1"

    conversion_id: uuid.UUID
    lead_id: uuid.UUID
    reason: str = Field(description="What to fix, e.g. a field the account refused, an "
                                    "account the requester may not see, the contact quota")


CURRENT: list[type[EventData]] = [
    AccountCreatedV1, AccountUpdatedV1, AccountMergedV1, AccountDeletedV1, AccountRestatedV1,
    ContactCreatedV1, ContactUpdatedV1, ContactDeletedV1, ContactRestatedV1,
    AccountLeadConvertedV1, AccountConversionFailedV1,
]
EVENTS: list[type[EventData]] = list(CURRENT)
