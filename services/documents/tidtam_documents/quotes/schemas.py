from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from crmkit.fields import JsonDate
from crmkit.money import Percent, Quantity
from crmkit.text import Text

from ..money.totals import VatType
from ..products.schemas import Baht

QuoteStatus = Literal["draft", "sent", "accepted", "rejected", "expired"]
WhtRate = Literal[1, 2, 3, 5]
class LineIn(BaseModel):
    """A catalogue product (`product_id`: its name, unit, price and VAT type unless given)
    or free text (`description`, `unit_price` required)."""

    model_config = ConfigDict(extra="forbid")

    product_id: uuid.UUID | None = None
    description: Annotated[str, Text(500)] | None = Field(
        None, description="Printed on the line; a product's Thai name when left out")
    quantity: Quantity
    unit: Annotated[str, Text(30)] | None = None
    unit_price: Baht | None = Field(None, description=(
        "A product's catalogue price when left out; another price is 409 "
        "`price_not_editable` unless the caller is an admin or the tenant allows price edits"))
    discount_percent: Percent | None = None
    discount_amount: Baht | None = None
    vat_type: VatType | None = Field(None, description="The product's, else vat7")

    @model_validator(mode="after")
    def _one_discount(self) -> Self:
        if self.discount_percent is not None and self.discount_amount is not None:
            raise ValueError("give discount_percent or discount_amount, not both")
        if self.product_id is None and (self.description is None or self.unit_price is None):
            raise ValueError("a line without product_id needs description and unit_price")
        return self


class QuoteFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lines: list[LineIn] = Field(default_factory=list, max_length=200)
    bill_discount_percent: Percent | None = Field(None, description=(
        "Off the whole bill; when neither this nor bill_discount_amount is given, the "
        "account's `bill_discount` applies"))
    bill_discount_amount: Baht | None = None
    wht_rate: WhtRate | None = Field(None, description="Withholding tax, percent of the "
                                                       "pre-VAT amount (none under 1,000 baht)")
    valid_until: JsonDate | None = None
    notes: Annotated[str, Text(2000)] | None = None

    @model_validator(mode="after")
    def _one_bill_discount(self) -> Self:
        if self.bill_discount_percent is not None and self.bill_discount_amount is not None:
            raise ValueError("give bill_discount_percent or bill_discount_amount, not both")
        return self


class QuoteIn(QuoteFields):
    lead_id: uuid.UUID | None = Field(None, description="The lead quoted (or account_id)")
    account_id: uuid.UUID | None = Field(None, description="The account quoted (or lead_id)")
    contact_id: uuid.UUID | None = None
    deal_id: uuid.UUID | None = Field(None, description=(
        "The deal (GET /api/v1/deals) it is for: of the account quoted, or of the lead "
        "(or the lead's account); accepted, the quote sets the deal's amount (before VAT)"))

    @model_validator(mode="after")
    def _one_party(self) -> Self:
        if (self.lead_id is None) == (self.account_id is None):
            raise ValueError("give lead_id or account_id (one of them)")
        return self


class QuotePatch(QuoteFields):
    """A draft's lines, discounts, WHT, validity and notes, replaced by what is sent."""

    contact_id: uuid.UUID | None = None


class QuotePreviewIn(QuoteFields):
    """A draft's content to total without saving; with `lead_id` or `account_id`, the
    account's `bill_discount` applies when no bill discount is given."""

    lead_id: uuid.UUID | None = None
    account_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _at_most_one_party(self) -> Self:
        if self.lead_id is not None and self.account_id is not None:
            raise ValueError("give lead_id or account_id, not both")
        return self


class LineOut(BaseModel):
    product_id: uuid.UUID | None
    sku: str | None
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_percent: Decimal | None
    discount_amount: Decimal | None
    vat_type: VatType
    gross: Decimal
    discount: Decimal
    amount: Decimal


class QuoteTotals(BaseModel):
    """A quote's lines with their amounts, and its totals."""

    lines: list[LineOut]
    bill_discount_percent: Decimal | None
    bill_discount_amount: Decimal | None
    wht_rate: Decimal | None
    subtotal: Decimal
    bill_discount: Decimal
    before_vat: Decimal
    vat_rate: Decimal
    vat: Decimal
    grand_total: Decimal
    wht: Decimal
    net_payable: Decimal
    amount_in_words: str = Field(description="grand_total in Thai words (bahttext)")


class QuoteOut(QuoteTotals):
    id: uuid.UUID
    number: str | None = Field(description="Given when issued: QT2569-0001, a revision "
                                           "QT2569-0001-R1")
    revision: int
    previous_id: uuid.UUID | None
    superseded_by: uuid.UUID | None = Field(description="The revision that replaced it")
    lead_id: uuid.UUID | None
    account_id: uuid.UUID | None
    contact_id: uuid.UUID | None
    deal_id: uuid.UUID | None = Field(description="The deal it is for, if any")
    status: QuoteStatus = Field(description="A sent quote past `valid_until` is expired")
    issue_date: date | None
    valid_until: date | None
    notes: str | None
    created_by: uuid.UUID
    version: int
    created_at: datetime
    updated_at: datetime


class QuotePreviewOut(QuoteTotals):
    """The totals a draft would have (the same fields as a quote's), computed, not kept."""


class QuotePage(BaseModel):
    items: list[QuoteOut]
    next_cursor: str | None
