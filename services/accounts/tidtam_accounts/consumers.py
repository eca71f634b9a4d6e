"""What the accounts service does with other services' events. The kit's Consumer commits
each handler's effect together with the `(consumer, event_id)` record, so a redelivery is
skipped.

HANDLERS is the one list of what this service consumes (each domain that consumes adds its
own list here): the queue's bindings, the start-up checks and the AsyncAPI document all
come from it."""

from __future__ import annotations

from typing import Any

from crmkit.consumer import Handler
from crmkit.users import user_handlers

from .contacts.consumers import HANDLERS as CONTACTS
from .conversion.consumers import HANDLERS as CONVERSION
from .privacy.service import HANDLERS as PRIVACY
from .quota.consumers import HANDLERS as QUOTA
from .timeline.consumers import HANDLERS as TIMELINE
from .users.service import USERS

HANDLERS: list[Handler[Any]] = [*QUOTA, *user_handlers(USERS), *CONVERSION, *TIMELINE,
                                 *CONTACTS, *PRIVACY]
