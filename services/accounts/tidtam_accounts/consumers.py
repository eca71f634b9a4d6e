"""What the accounts service does with other services' events. The kit's Consumer commits
each handler's effect together with the `(consumer, event_id)` record, so a redelivery is
skipped.

Each domain that consumes adds its bindings and a `register(consumer)` here."""

from __future__ import annotations

from crmkit.consumer import Consumer
from crmkit.users import USER_EVENTS, register_user_handlers

from .conversion import consumers as conversion
from .quota import consumers as quota
from .timeline import consumers as timeline
from .users.service import USERS

BINDINGS: list[str] = [*quota.BINDINGS, *USER_EVENTS, *conversion.BINDINGS,
                       *timeline.BINDINGS]


def register(consumer: Consumer) -> Consumer:
    quota.register(consumer)
    conversion.register(consumer)
    timeline.register(consumer)
    register_user_handlers(consumer, USERS)

    return consumer
