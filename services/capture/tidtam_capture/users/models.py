from __future__ import annotations

from crmkit.users import UserProjection

from ..db import Base


class User(UserProjection, Base):
    """The gateway's users (crmkit.users): owners of the forms."""

    __tablename__ = "users"
