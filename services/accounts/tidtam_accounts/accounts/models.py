from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Float, Integer, Numeric, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class Account(Base):
    __tablename__ = "accounts"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(Text)
    tax_id: Mapped[str | None] = mapped_column(Text)
    branch: Mapped[str | None] = mapped_column(Text)
    address: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    province: Mapped[str | None] = mapped_column(Text)
    phones: Mapped[list[str]] = mapped_column(ARRAY(Text))
    emails: Mapped[list[str]] = mapped_column(ARRAY(Text))
    website: Mapped[str | None] = mapped_column(Text)
    line_id: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    owner_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    credit_limit: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    credit_days: Mapped[int | None] = mapped_column(Integer)
    bill_discount: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    anniversaries: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    labels: Mapped[list[str]] = mapped_column(ARRAY(Text))
    custom: Mapped[dict[str, Any]] = mapped_column(JSONB)
    merged_into: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    search: Mapped[str] = mapped_column(Text)


class AccountKey(Base):
    """A phone (E.164) or email (lower-case) of an account or one of its contacts."""

    __tablename__ = "account_keys"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    contact_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    kind: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text, primary_key=True)
