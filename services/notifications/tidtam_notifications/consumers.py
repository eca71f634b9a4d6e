"""What the notifications service does with other services' events. The kit's Consumer
commits each handler's effect with the `(consumer, event_id)` record, so a redelivery is
skipped (and no second notice or email intent is made).

HANDLERS is the one list of what this service consumes: the users projection, the message
handlers of every kind (notices/*), the emailing of sent quotes, and the event feed, which
keeps every event type, with the webhooks' fan-out, which schedules every event for the
endpoints that take it. A
type several of them handle gets one handler that runs each in turn, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, HandlerFn

from .documents.service import HANDLERS as DOCUMENTS
from .notices.activities import HANDLERS as ACTIVITIES
from .notices.leads import HANDLERS as LEADS
from .notices.webhooks import HANDLERS as WEBHOOK_NOTICES
from .privacy.service import HANDLERS as PRIVACY
from .users.service import HANDLERS as USERS
from .webhooks.fanout import HANDLERS as WEBHOOKS


def together(*groups: Sequence[Handler[Any]]) -> list[Handler[Any]]:
    """One handler per event type, running every group's handler of that type in order."""
    by_type: dict[str, list[Handler[Any]]] = {}
    for handler in (h for group in groups for h in group):
        by_type.setdefault(handler.model.TYPE, []).append(handler)
    return [hs[0] if len(hs) == 1 else Handler(hs[0].model, _in_turn([h.fn for h in hs]))
            for hs in by_type.values()]


def _in_turn(fns: list[HandlerFn]) -> HandlerFn:
    async def run(session: AsyncSession, event: Delivery[Any]) -> None:
        for fn in fns:
            await fn(session, event)

    return run


# The feed and the fan-out (WEBHOOKS) last: they record the event once the others have
# handled it (no lock is taken: the feed keeps its order by transaction id, feed/).
HANDLERS: list[Handler[Any]] = together(USERS, PRIVACY, LEADS, ACTIVITIES, WEBHOOK_NOTICES,
                                        DOCUMENTS, WEBHOOKS)
