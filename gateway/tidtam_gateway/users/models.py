from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from crmkit.db import TenantMixin

from ..db import Base
from .schemas import Language, UserRole

ROLES = ("admin", "manager", "sales")


class User(TenantMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        # Per tenant: a global unique would tell tenant A that tenant B has this email.
        sa.UniqueConstraint("tenant_id", "email"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(["tenant_id", "team_id"], ["teams.tenant_id", "teams.id"]),
        sa.CheckConstraint("role IN ('admin', 'manager', 'sales')", name="role"),
        sa.CheckConstraint("language IN ('th', 'en')", name="language"),
        sa.Index("ix_users_email", "email"),
        sa.Index("ix_users_tenant_id_team_id", "tenant_id", "team_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    email: Mapped[str] = mapped_column(sa.Text)
    name: Mapped[str] = mapped_column(sa.Text)
    role: Mapped[UserRole] = mapped_column(sa.Text)
    team_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), nullable=True)
    password_hash: Mapped[str] = mapped_column(sa.Text)
    active: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.true())
    language: Mapped[Language] = mapped_column(sa.Text, server_default="th")
    # Every access token names the generation it was issued under; bumping it (a password
    # change or reset) ends the user's other sessions at once (auth/service.py).
    session_generation: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    # Set when an admin sets the password; cleared when the user changes it.
    must_change_password: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    # Bumped on every change: the `sequence` of the user's events.
    version: Mapped[int] = mapped_column(sa.Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True),
                                                 server_default=sa.func.now())
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True),
                                                 server_default=sa.func.now())
