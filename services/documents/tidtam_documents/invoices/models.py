from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Integer, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from crmkit.db import TenantMixin

from ..db import Base


class Invoice(TenantMixin, Base):
    """An invoice (ใบแจ้งหนี้) issued from a quote: the customer, lines and totals copied and
    kept as printed; `tax_invoice_id` once a tax invoice is issued for it."""

    __tablename__ = "invoices"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    number: Mapped[str] = mapped_column(Text)
    quote_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    lead_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    account_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    credit_days: Mapped[int] = mapped_column(Integer)
    customer: Mapped[dict[str, Any]] = mapped_column(JSONB)
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)  # lines, totals, notes
    tax_invoice_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    created_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                 server_default=func.now())
