"""The login throttle's counters (not tenant data: keyed by a hash of an email or address)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class LoginThrottle(Base):
    __tablename__ = "login_throttle"
    __table_args__ = (
        sa.PrimaryKeyConstraint("scope", "key_hash"),
        sa.CheckConstraint("scope IN ('email', 'ip')", name="scope"),
        sa.Index("ix_login_throttle_window_start", "window_start"),
    )

    scope: Mapped[str] = mapped_column(sa.Text)
    # HMAC-SHA256 of the normalised email or the client address: attempted emails (and
    # passwords typed into the email field) are never stored readable.
    key_hash: Mapped[bytes] = mapped_column(sa.LargeBinary)
    window_start: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True),
                                                   server_default=sa.func.now())
    attempts: Mapped[int] = mapped_column(sa.Integer, server_default="1")
