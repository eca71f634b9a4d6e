from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from crmkit.text import Text

from ..money.totals import VatType
from ..products.schemas import Baht
from ..quotes.schemas import Quantity
from ..taxinvoices.schemas import PartyOut


class CreditLineIn(BaseModel):
    """What is credited: goods returned, or a price cut, before VAT."""

    model_config = ConfigDict(extra="forbid")

    description: Annotated[str, Text(500)]
    quantity: Quantity
    unit: Annotated[str, Text(30)] = ""
    unit_price: Baht
    vat_type: VatType = "vat7"


class CreditNoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Text(500), Field(description=(
        "Why the value is reduced (printed; Revenue Code 86/10), e.g. สินค้าชำรุด ส่งคืน"))]
    lines: list[CreditLineIn] = Field(min_length=1, max_length=200)


class CreditNoteOut(BaseModel):
    """Money as decimal strings with 2 places."""

    id: uuid.UUID
    number: str = Field(description="CN2569-0001")
    tax_invoice_id: uuid.UUID
    tax_invoice_number: str
    tax_invoice_date: date
    issue_date: date
    reason: str
    seller: PartyOut
    buyer: PartyOut
    lines: list[dict[str, Any]]
    original_value: str = Field(description="The tax invoice's value before VAT")
    difference: str = Field(description="This credit note's value before VAT")
    correct_value: str = Field(description="original_value less every credit so far, this "
                                           "one included")
    vat_rate: str
    vat: str = Field(description="VAT on the difference")
    total: str = Field(description="difference + vat")
    amount_in_words: str
    created_by: uuid.UUID
    created_at: datetime


class CreditNoteList(BaseModel):
    items: list[CreditNoteOut]
