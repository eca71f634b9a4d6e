"""Events of the documents service: the product catalogue and quotations (later: invoices,
tax invoices). Each carries the thing after the change; `version` grows by one with every change
(the events' `sequence`). Money is a decimal string with 2 places ("1500.00"), never a
float."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from .base import EventData

VatType = Literal["vat7", "zero", "exempt"]


class Product(BaseModel):
    id: uuid.UUID
    sku: str
    name: str = Field(description="Thai name")
    name_en: str | None
    unit: str = Field(description="e.g. ชิ้น, ชั่วโมง")
    unit_price: str = Field(description="Baht, a decimal string with 2 places")
    vat_type: VatType
    active: bool
    version: int


class ProductEvent(Product, EventData):
    VERSION: ClassVar[str] = "1"


class ProductCreatedV1(ProductEvent):
    TYPE: ClassVar[str] = "product.created"


class ProductUpdatedV1(ProductEvent):
    TYPE: ClassVar[str] = "product.updated"
    changed: list[str] = Field(description="The fields that changed")


QuoteStatus = Literal["draft", "sent", "accepted", "rejected", "expired"]


class Quote(BaseModel):
    """A quotation once issued (drafts are not announced)."""

    id: uuid.UUID
    number: str = Field(description="QT2569-0001, a revision QT2569-0001-R1")
    revision: int = Field(description="0 for the first issue")
    previous_id: uuid.UUID | None = Field(description="The revision this one replaces")
    lead_id: uuid.UUID | None
    account_id: uuid.UUID | None
    contact_id: uuid.UUID | None
    status: QuoteStatus
    issue_date: date | None
    valid_until: date | None
    subtotal: str = Field(description="Baht: the lines after their own discounts")
    before_vat: str = Field(description="Baht: after the bill discount, before VAT")
    vat: str
    grand_total: str
    wht: str
    net_payable: str
    created_by: uuid.UUID
    version: int
    deal_id: uuid.UUID | None = Field(None, description=(
        "The deal (leads service) it is for: accepted, it sets the deal's amount"))


class QuoteEvent(Quote, EventData):
    VERSION: ClassVar[str] = "1"
    by_user_id: uuid.UUID = Field(description="Who did it")


class QuoteIssuedV1(QuoteEvent):
    TYPE: ClassVar[str] = "quote.issued"


class QuoteAcceptedV1(QuoteEvent):
    """The leads service sets the lead's potential value from `before_vat`, and the deal's
    amount when the quote has a `deal_id`."""

    TYPE: ClassVar[str] = "quote.accepted"


class QuoteRejectedV1(QuoteEvent):
    TYPE: ClassVar[str] = "quote.rejected"


# The PDF rides in quote.sent (base64): at most this many bytes of PDF. A one-page quote
# with its font subset and a logo is far smaller (~60 KB); the documents service refuses
# to send a bigger one (409) rather than publish a huge event.
MAX_ATTACHMENT_BYTES = 1_048_576


class Attachment(BaseModel):
    filename: str = Field(description="e.g. QT2569-0001.pdf")
    content_type: Literal["application/pdf"]
    content_base64: str = Field(max_length=(MAX_ATTACHMENT_BYTES + 2) // 3 * 4,
                                description="The PDF as kept when the quote was issued")
    sha256: str = Field(description="Hex SHA-256 of the PDF's bytes")


class QuoteSentV1(QuoteEvent):
    """A salesperson emailed the quote to the customer: the notifications service sends
    the email with the PDF attached; leads and accounts may log it."""

    TYPE: ClassVar[str] = "quote.sent"
    to: str = Field(description="The customer's address")
    cc: list[str] = Field(default_factory=list)
    message: str | None = Field(description="The salesperson's words, or null for the "
                                            "standard text")
    language: Literal["th", "en"] = Field(description="The language of the email")
    seller_name: str = Field(description="The company profile's name (or empty)")
    sender_name: str = Field(description="The salesperson's name")
    sender_email: str | None = Field(description="Replies go here")
    attachment: Attachment


EVENTS: list[type[EventData]] = [ProductCreatedV1, ProductUpdatedV1, QuoteIssuedV1,
                                 QuoteAcceptedV1, QuoteRejectedV1, QuoteSentV1]
