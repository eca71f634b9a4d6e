"""Data-subject requests: the person as keyed hashes only, and each service's answer
(migration 0011_privacy; all SQL is in repository.py)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class PrivacyRequest(Base):
    __tablename__ = "privacy_requests"
    __table_args__ = (
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.CheckConstraint("kind IN ('export', 'erase')", name="kind"),
        sa.CheckConstraint("coalesce(email_hash, phone_hash, line_id_hash) IS NOT NULL",
                           name="some_key"),
        sa.Index("ix_privacy_requests_created", "tenant_id", "created_at", "id"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True),
                                                 sa.ForeignKey("tenants.id"))
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    kind: Mapped[str] = mapped_column(sa.Text)
    email_hash: Mapped[str | None] = mapped_column(sa.Text)
    phone_hash: Mapped[str | None] = mapped_column(sa.Text)
    line_id_hash: Mapped[str | None] = mapped_column(sa.Text)
    requested_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True),
                                                 server_default=sa.func.now())
    resolved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class PrivacyAnswer(Base):
    __tablename__ = "privacy_answers"
    __table_args__ = (
        sa.PrimaryKeyConstraint("tenant_id", "request_id", "service"),
        sa.ForeignKeyConstraint(["tenant_id", "request_id"],
                                ["privacy_requests.tenant_id", "privacy_requests.id"],
                                ondelete="CASCADE"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    request_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    service: Mapped[str] = mapped_column(sa.Text)
    found: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    kept: Mapped[list[Any] | None] = mapped_column(JSONB)
    subjects: Mapped[list[uuid.UUID] | None] = mapped_column(ARRAY(UUID(as_uuid=True)))
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
