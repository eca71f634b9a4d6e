from __future__ import annotations

from crmkit.users import UserProjection

from ..db import Base


class User(UserProjection, Base):
    """Projection of the gateway's users (crmkit.users): owners must be active users."""

    __tablename__ = "users"
