"""The users projection (crmkit.users) on this service's `users` table."""

from __future__ import annotations

from crmkit.users import Users

from .models import User

USERS = Users(User)
