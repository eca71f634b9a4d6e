from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Computed, DateTime, Integer, Numeric, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from crmkit.db import TenantMixin

from ..db import Base

# What `q` searches: name, phone (E.164 and the local 0… form Thai users type), email and
# company, lower-cased once here so the trigram index serves ILIKE.
SEARCH_EXPR = (
    "lower(name || ' ' || phone || ' ' || regexp_replace(phone, '^\\+66', '0') || ' ' "
    "|| email || ' ' || coalesce(company, ''))"
)


class Lead(TenantMixin, Base):
    __tablename__ = "leads"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    phone: Mapped[str] = mapped_column(Text)  # E.164, `;ext=NN` with an extension (0006)
    email: Mapped[str] = mapped_column(Text)
    company: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    status: Mapped[str] = mapped_column(Text)
    status_reason: Mapped[str | None] = mapped_column(Text)
    sent_by: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(UUID(as_uuid=True)))
    pipeline_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    stage_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    potential: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    custom: Mapped[dict[str, Any]] = mapped_column(JSONB)  # custom-field values (crmkit.custom)
    # The account and contact in the accounts service (no foreign keys: another database),
    # and the conversion in flight or done (migration 0004).
    account_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    contact_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    conversion_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    conversion_status: Mapped[str | None] = mapped_column(Text)
    conversion_error: Mapped[str | None] = mapped_column(Text)
    # qualified | disqualified | None; the answers are in the history (migration 0014).
    qualification: Mapped[str | None] = mapped_column(Text)
    # The person's consent (PDPA) when the lead came through a capture channel (0016).
    consent: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    line_id: Mapped[str | None] = mapped_column(Text)  # the person's LINE user id (0016)
    # The catalogue products (documents service) the lead is interested in (0017).
    product_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(UUID(as_uuid=True)))
    # The latest change of that consent someone recorded (revoked or granted again; 0019).
    consent_change: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    search: Mapped[str] = mapped_column(Text, Computed(SEARCH_EXPR, persisted=True))
    # Duplicate hints match on it: a plain column, so its index serves under RLS (0002).
    email_key: Mapped[str] = mapped_column(Text, Computed("lower(email)", persisted=True))
