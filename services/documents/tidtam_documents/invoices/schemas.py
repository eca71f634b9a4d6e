from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field


class CustomerOut(BaseModel):
    name: str
    address: str | None
    tax_id: str | None
    branch_label: str | None


class InvoiceOut(BaseModel):
    """Money as decimal strings with 2 places, as on tax invoices."""

    id: uuid.UUID
    number: str = Field(description="IV2569-0001")
    quote_id: uuid.UUID
    quote_number: str | None
    lead_id: uuid.UUID | None
    account_id: uuid.UUID | None
    issue_date: date
    due_date: date = Field(description="issue_date + credit_days")
    credit_days: int = Field(description="The account's credit days when issued (0 without)")
    customer: CustomerOut
    lines: list[dict[str, Any]]
    notes: str | None
    subtotal: str
    bill_discount: str
    before_vat: str
    vat_rate: str
    vat: str
    grand_total: str
    wht_rate: str | None
    wht: str
    net_payable: str
    amount_in_words: str
    tax_invoice_id: uuid.UUID | None
    created_by: uuid.UUID
    created_at: datetime


class InvoicePage(BaseModel):
    items: list[InvoiceOut]
    next_cursor: str | None
