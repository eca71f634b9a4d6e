"""The users projection (crmkit.users), fed by user.*."""

from __future__ import annotations

from typing import Any

from crmkit.consumer import Handler
from crmkit.users import Users, user_handlers

from .models import User

USERS = Users(User)
HANDLERS: list[Handler[Any]] = user_handlers(USERS)
