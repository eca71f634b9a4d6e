"""What the documents service does with other services' events, in one list: the users
projection, and the leads and accounts projections that decide who sees a document (a
merged-away account's quotes move to the survivor). The kit's Consumer commits each
handler's effect with the `(consumer, event_id)` record, so a redelivery is skipped."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler
from tidtam_contracts.accounts import AccountMergedV1

from .parties.service import HANDLERS as PARTIES
from .parties.service import account_changed
from .privacy.service import HANDLERS as PRIVACY
from .quotes.repository import move_account
from .settings.service import HANDLERS as SETTINGS
from .users.service import HANDLERS as USERS


async def account_merged(session: AsyncSession, event: Delivery[AccountMergedV1]) -> None:
    await account_changed(session, event)  # type: ignore[arg-type]
    await move_account(session, event.tenant, from_id=event.data.from_id, to_id=event.data.id)


HANDLERS: list[Handler[Any]] = [
    *PRIVACY,
    *[h for h in PARTIES if h.model is not AccountMergedV1], Handler(AccountMergedV1,
                                                                     account_merged),
    *USERS, *SETTINGS]
