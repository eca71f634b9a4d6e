"""What the documents service does with other services' events, in one list: the users
projection (the lead and account projections that quotations need come with them). The
kit's Consumer commits each handler's effect with the `(consumer, event_id)` record, so a
redelivery is skipped."""

from __future__ import annotations

from typing import Any

from crmkit.consumer import Handler

from .users.service import HANDLERS as USERS

HANDLERS: list[Handler[Any]] = [*USERS]
