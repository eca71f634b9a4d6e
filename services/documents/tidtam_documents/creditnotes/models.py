from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, Numeric, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from crmkit.db import TenantMixin

from ..db import Base


class CreditNote(TenantMixin, Base):
    """A credit note (ใบลดหนี้, Revenue Code 86/10) against an issued tax invoice, frozen
    when issued like the tax invoice (a trigger refuses UPDATE and DELETE)."""

    __tablename__ = "credit_notes"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    number: Mapped[str] = mapped_column(Text)
    tax_invoice_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    issue_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    seller: Mapped[dict[str, Any]] = mapped_column(JSONB)
    buyer: Mapped[dict[str, Any]] = mapped_column(JSONB)
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)  # lines, the 86/10 amounts
    difference: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    created_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                 server_default=func.now())
