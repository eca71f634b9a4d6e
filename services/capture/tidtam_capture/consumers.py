"""What the capture service does with events: the users projection (a form's owner must be
an active user), its own `capture.facebook_lead_received` (the Graph API fetch; a failed
one fails the handler, so the broker redelivers it with back-off) and
`capture.line_event_received` (the person's LINE profile, then `lead.captured`) and the
product catalogue (a form's products, products/). The kit's Consumer
commits each handler's effect with the `(consumer, event_id)` record, so a redelivery is
skipped."""

from __future__ import annotations

from typing import Any

from crmkit.consumer import Handler, on
from crmkit.users import user_handlers
from tidtam_contracts.capture import FacebookLeadReceivedV1, LineEventReceivedV1

from .facebook.service import on_lead_received
from .line.service import on_event_received
from .privacy.service import HANDLERS as PRIVACY
from .products.service import HANDLERS as PRODUCTS
from .users.service import USERS

HANDLERS: list[Handler[Any]] = [*user_handlers(USERS), *PRIVACY,
                                on(FacebookLeadReceivedV1, on_lead_received),
                                on(LineEventReceivedV1, on_event_received), *PRODUCTS]
