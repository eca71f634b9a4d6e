"""The recipients: the users projection (crmkit.users) plus each user's language."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on_each
from crmkit.context import TenantId
from crmkit.users import Users
from tidtam_contracts.gateway import (
    USER_EVENTS,
    UserCreatedV1,
    UserDeactivatedV1,
    UserUpdatedV1,
)

from .models import User

USERS = Users(User)


async def user_changed(session: AsyncSession,
                       event: Delivery[UserCreatedV1 | UserUpdatedV1 | UserDeactivatedV1]
                       ) -> None:
    await USERS.apply(session, event.tenant, event.data, event.sequence,
                      deactivate=isinstance(event.data, UserDeactivatedV1))
    # The kit's projection has no language; set it where this event is the one applied.
    await session.execute(sa.update(User).where(
        User.tenant_id == event.tenant.value, User.id == event.data.id,
        User.sequence == event.sequence).values(language=event.data.language))


HANDLERS: list[Handler[Any]] = on_each(USER_EVENTS, user_changed)


async def recipient(session: AsyncSession, tenant: TenantId,
                    user_id: uuid.UUID) -> User | None:
    """An active user of the tenant, or None (not known yet, or deactivated)."""
    found: User | None = (await session.execute(sa.select(User).where(
        User.tenant_id == tenant.value, User.id == user_id, User.active.is_(True))
    )).scalar_one_or_none()
    return found


async def admins(session: AsyncSession, tenant: TenantId) -> list[uuid.UUID]:
    """The tenant's active admins."""
    rows = await session.execute(sa.select(User.id).where(
        User.tenant_id == tenant.value, User.role == "admin", User.active.is_(True)))
    return list(rows.scalars())
