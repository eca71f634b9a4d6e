from __future__ import annotations

from crmkit.users import UserProjection

from ..db import Base


class User(UserProjection, Base):
    """The gateway's users (crmkit.users): the salespeople named on documents."""

    __tablename__ = "users"
