"""Web forms and what came through them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Integer, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from crmkit.db import TenantMixin

from ..db import Base


class Form(TenantMixin, Base):
    """A web form: its fields (built-in and custom), the lead source and owner its leads
    get, the consent text shown (Thai and English, versioned) and the origins whose pages
    may post to it. `public_key` is the form's public address (its first 32 characters are
    the tenant's id, so the gateway knows whose form it is without asking)."""

    __tablename__ = "forms"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    public_key: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    product_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(UUID(as_uuid=True)))
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    consent_th: Mapped[str] = mapped_column(Text)
    consent_en: Mapped[str] = mapped_column(Text)
    consent_version: Mapped[str] = mapped_column(Text)
    allowed_origins: Mapped[list[str]] = mapped_column(ARRAY(Text))
    enabled: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Submission(TenantMixin, Base):
    """One accepted submission (its id is the idempotency key: a repeat makes nothing).
    Only what dedupe and the counters need; the person's details travel in the event."""

    __tablename__ = "submissions"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    form_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
