from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from crmkit.context import Visibility

from ..db import Base


class TenantSettings(Base):
    __tablename__ = "tenant_settings"
    __table_args__ = (
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.CheckConstraint("lead_visibility IN ('all', 'team', 'own')", name="lead_visibility"),
        sa.CheckConstraint("account_visibility IN ('all', 'team', 'own')",
                           name="account_visibility"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    lead_visibility: Mapped[Visibility] = mapped_column(sa.Text, server_default="all")
    account_visibility: Mapped[Visibility] = mapped_column(sa.Text, server_default="all")
    allow_stage_back: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    time_zone: Mapped[str] = mapped_column(sa.Text, server_default="Asia/Bangkok")
    agenda_time: Mapped[str] = mapped_column(sa.Text, server_default="07:00")
    allow_price_edit: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    document_digits: Mapped[str] = mapped_column(sa.Text, server_default="arabic")
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True),
                                                 server_default=sa.func.now())
