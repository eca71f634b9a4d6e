from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, Integer, Numeric, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from crmkit.db import TenantMixin

from ..db import Base


class Counter(TenantMixin, Base):
    """The last number given in a series and Buddhist year: the row is locked by the
    issuing transaction until it commits, so numbers are gapless and unique."""

    __tablename__ = "number_counters"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    series: Mapped[str] = mapped_column(Text, primary_key=True)
    year_be: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Quote(TenantMixin, Base):
    __tablename__ = "quotes"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    number: Mapped[str | None] = mapped_column(Text)
    base_number: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    previous_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    superseded_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    lead_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    deal_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))  # 0004
    account_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    contact_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    status: Mapped[str] = mapped_column(Text)
    issue_date: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    bill_discount_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    bill_discount_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    wht_rate: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    subtotal: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    bill_discount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    before_vat: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    vat: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    grand_total: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    wht: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    net_payable: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    created_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
