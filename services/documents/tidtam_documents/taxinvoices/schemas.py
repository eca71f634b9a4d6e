from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field


class PartyOut(BaseModel):
    name: str
    address: str | None
    tax_id: str | None
    branch_label: str | None


class TaxInvoiceOut(BaseModel):
    id: uuid.UUID
    number: str = Field(description="TX2569-0001")
    quote_id: uuid.UUID
    invoice_id: uuid.UUID | None = Field(description="The invoice it was issued from, if any")
    issue_date: date
    seller: PartyOut
    buyer: PartyOut
    lines: list[dict[str, Any]]
    before_vat: str
    vat_rate: str
    vat: str
    grand_total: str
    amount_in_words: str
    created_by: uuid.UUID
    created_at: datetime
