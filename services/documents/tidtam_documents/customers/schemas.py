from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

Kind = Literal["quote", "invoice", "tax_invoice", "credit_note"]


class DocumentOut(BaseModel):
    """One of a customer's documents; money as a decimal string with 2 places."""

    kind: Kind
    id: uuid.UUID
    number: str | None = Field(description="None on a draft quotation")
    status: str = Field(description="a quote's status (draft | sent | accepted | rejected | "
                                    "expired); an invoice's issued | tax_invoiced; issued "
                                    "on tax invoices and credit notes")
    issue_date: date | None
    total: str = Field(description="grand total incl. VAT (a credit note's: of the credit)")
    quote_id: uuid.UUID = Field(description="The quotation it comes from")
    url: str = Field(description="API path of the record")
    pdf_url: str = Field(description="API path of its PDF (a draft's is a preview)")
    created_at: datetime


class DocumentPage(BaseModel):
    items: list[DocumentOut]
    next_cursor: str | None
