from __future__ import annotations

import uuid

from sqlalchemy import BigInteger, Integer, Text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class TenantPlan(Base):
    """The tenant's plan (from the gateway's tenant events) and its contacts, counted."""

    __tablename__ = "tenant_plans"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    plan: Mapped[str] = mapped_column(Text)
    contact_limit: Mapped[int | None] = mapped_column(Integer)
    contact_count: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(BigInteger)
