from __future__ import annotations

from crmkit.users import UserProjection

from ..db import Base


class User(UserProjection, Base):
    """The gateway's users (crmkit.users): assignees, and who is in whose team."""

    __tablename__ = "users"
