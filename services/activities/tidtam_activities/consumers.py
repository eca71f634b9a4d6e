"""What the activities service does with other services' events: the users projection
(`user.*`), the projections of leads and accounts (records/) and the tenant's calendar
settings (`tenant.settings_changed`). The kit's Consumer commits
each handler's effect with the `(consumer, event_id)` record, so a redelivery is skipped."""

from __future__ import annotations

from typing import Any

from crmkit.consumer import Handler
from crmkit.users import user_handlers

from .privacy.service import HANDLERS as PRIVACY
from .records.service import HANDLERS as RECORDS
from .records.settings import HANDLERS as SETTINGS
from .users.service import USERS

HANDLERS: list[Handler[Any]] = [*user_handlers(USERS), *RECORDS, *SETTINGS, *PRIVACY]
