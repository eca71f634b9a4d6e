"""What the capture service does with other services' events: the users projection (a
form's owner must be an active user). The kit's Consumer commits each handler's effect with
the `(consumer, event_id)` record, so a redelivery is skipped."""

from __future__ import annotations

from typing import Any

from crmkit.consumer import Handler
from crmkit.users import user_handlers

from .users.service import USERS

HANDLERS: list[Handler[Any]] = [*user_handlers(USERS)]
