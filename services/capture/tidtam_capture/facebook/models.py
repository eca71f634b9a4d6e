"""A tenant's Facebook page (Lead Ads) and the `leadgen_id`s already taken."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from crmkit.db import TenantMixin

from ..db import Base


class FacebookPage(TenantMixin, Base):
    """One per tenant. The app secret, the page token and the verify token are sealed
    (crmkit.sealed) and never shown again; `mapping` maps the lead form's field names to
    lead fields."""

    __tablename__ = "facebook_pages"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    page_id: Mapped[str] = mapped_column(Text)
    secret_sealed: Mapped[str] = mapped_column(Text)
    token_sealed: Mapped[str] = mapped_column(Text)
    verify_sealed: Mapped[str] = mapped_column(Text)
    webhook_key: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    product_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(UUID(as_uuid=True)))
    mapping: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FacebookLead(TenantMixin, Base):
    """A `leadgen_id` taken: Facebook's repeat of it makes nothing."""

    __tablename__ = "facebook_leads"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    leadgen_id: Mapped[str] = mapped_column(Text, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
