from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..config import PLANS, Plan
from ..db import Base

PLANS_SQL = "(" + ", ".join(f"'{p}'" for p in PLANS) + ")"


class Tenant(Base):
    """Under RLS keyed on its own id (see the migration), not on a tenant_id column."""

    __tablename__ = "tenants"
    __table_args__ = (sa.CheckConstraint(f"plan IN {PLANS_SQL}", name="plan"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    name: Mapped[str] = mapped_column(sa.Text)
    plan: Mapped[Plan] = mapped_column(sa.Text, server_default="free")
    # The contact limit last announced (None: no limit), and whether one was announced.
    announced_limit: Mapped[int | None] = mapped_column(sa.Integer)
    limit_announced: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    # Bumped on every change: the `sequence` of the tenant's events.
    version: Mapped[int] = mapped_column(sa.Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True),
                                                 server_default=sa.func.now())
