"""What the leads service does with other services' events: the users projection, the
tenant's defaults, the accounts service's answers to conversions (conversion/), accepted
quotations (the lead's potential value, leads/from_quotes.py), the activities service's
activities and check-ins (the lead's history, followups/consumers.py), captured people (a
lead or a follow-up, leads/captured.py), the product catalogue (products/) and the accounts
and contacts a deal may name (accounts/). The kit's
Consumer commits each handler's effect together with the `(consumer, event_id)` record, so a
redelivery is skipped.

HANDLERS is the one list of what this service consumes: the queue's bindings, the start-up
checks and the AsyncAPI document all come from it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on, on_each
from crmkit.users import user_handlers
from tidtam_contracts.accounts import (
    AccountConversionFailedV1,
    AccountLeadConvertedV1,
    AccountMergedV1,
)
from tidtam_contracts.capture import LeadCapturedV1
from tidtam_contracts.documents import (
    ProductCreatedV1,
    ProductUpdatedV1,
    QuoteAcceptedV1,
    QuoteSentV1,
)
from tidtam_contracts.gateway import TenantCreatedV1, UserDeactivatedV1

from .accounts import service as known_accounts
from .catalog.service import ensure_defaults
from .conversion import service as conversion
from .followups.consumers import HANDLERS as ACTIVITIES
from .leads.captured import lead_captured
from .leads.from_quotes import quote_accepted, quote_sent
from .privacy.service import HANDLERS as PRIVACY
from .products.service import product_event
from .transfer import service as transfer
from .users.service import USERS


async def tenant_created(session: AsyncSession, event: Delivery[TenantCreatedV1]) -> None:
    await ensure_defaults(session, event.tenant)


async def user_deactivated(session: AsyncSession, event: Delivery[UserDeactivatedV1]) -> None:
    """The projection says inactive, and the user's leads move to whom the admin chose, in
    one transaction: no new lead can be sent to them after it, none of theirs stays."""
    await USERS.apply(session, event.tenant, event.data, event.sequence, deactivate=True)
    await transfer.on_deactivated(session, event.tenant, event.data)


async def lead_converted(session: AsyncSession,
                         event: Delivery[AccountLeadConvertedV1]) -> None:
    await conversion.apply_converted(session, event.tenant, event.data)


async def conversion_failed(session: AsyncSession,
                            event: Delivery[AccountConversionFailedV1]) -> None:
    await conversion.apply_failed(session, event.tenant, event.data)


async def account_merged(session: AsyncSession, event: Delivery[AccountMergedV1]) -> None:
    await known_accounts.account_merged(session, event)
    await conversion.apply_merged(session, event.tenant, event.data)


HANDLERS: list[Handler[Any]] = [
    *PRIVACY,
    on(TenantCreatedV1, tenant_created),
    *[h for h in user_handlers(USERS) if h.model is not UserDeactivatedV1],
    on(UserDeactivatedV1, user_deactivated),
    on(AccountLeadConvertedV1, lead_converted),
    on(AccountConversionFailedV1, conversion_failed),
    on(AccountMergedV1, account_merged),
    on(QuoteAcceptedV1, quote_accepted),
    *ACTIVITIES,
    on(QuoteSentV1, quote_sent),
    on(LeadCapturedV1, lead_captured),
    *on_each([ProductCreatedV1, ProductUpdatedV1], product_event),
    *known_accounts.HANDLERS,
]
