"""What the insights service does with other services' events: the users projection
(`user.*`), the set-up reports name things by (setup/) and the read model (facts/). The
kit's Consumer commits each handler's effect with the `(consumer, event_id)` record, so a
redelivery is skipped."""

from __future__ import annotations

from typing import Any

from crmkit.consumer import Handler
from crmkit.users import user_handlers

from .facts.service import HANDLERS as FACTS
from .privacy.service import HANDLERS as PRIVACY
from .setup.service import HANDLERS as SETUP
from .users.service import USERS

HANDLERS: list[Handler[Any]] = [*user_handlers(USERS), *SETUP, *FACTS, *PRIVACY]
