"""A tenant's LINE Official Account channel and the webhook events already taken."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from crmkit.db import TenantMixin

from ..db import Base


class LineChannel(TenantMixin, Base):
    """One per tenant. The secret and the access token are sealed (crmkit.sealed) and never
    shown again; `webhook_key` is the webhook's address (the tenant's id, then random)."""

    __tablename__ = "line_channels"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    channel_id: Mapped[str] = mapped_column(Text)
    secret_sealed: Mapped[str] = mapped_column(Text)
    token_sealed: Mapped[str] = mapped_column(Text)
    webhook_key: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    product_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(UUID(as_uuid=True)))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LineEvent(TenantMixin, Base):
    """A webhook event taken (`webhookEventId`): LINE's redelivery of it makes nothing."""

    __tablename__ = "line_events"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    webhook_event_id: Mapped[str] = mapped_column(Text, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # What the webhook read of it (type, user id, text) until the consumer made it a
    # `lead.captured` (then cleared: the lead holds it; migration 0005).
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
