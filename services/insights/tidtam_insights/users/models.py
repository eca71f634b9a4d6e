from __future__ import annotations

from crmkit.users import UserProjection

from ..db import Base


class User(UserProjection, Base):
    """The gateway's users (crmkit.users): names, and who is in which team now."""

    __tablename__ = "users"
