from __future__ import annotations

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from crmkit.users import UserProjection

from ..db import Base


class User(UserProjection, Base):
    """The gateway's users (crmkit.users), with the language they read: the recipients."""

    __tablename__ = "users"

    language: Mapped[str] = mapped_column(Text, server_default="th")
