from __future__ import annotations

import uuid

from sqlalchemy import BigInteger, Text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from crmkit.db import TenantMixin

from ..db import Base


class TenantSettings(TenantMixin, Base):
    """The gateway's tenant settings this service prints by (tenant.settings_changed)."""

    __tablename__ = "tenant_settings"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    document_digits: Mapped[str] = mapped_column(Text)
    sequence: Mapped[int] = mapped_column(BigInteger)
