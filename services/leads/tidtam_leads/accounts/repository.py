"""All SQL about the accounts projection."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .models import KnownAccount, KnownContact


async def upsert(session: AsyncSession, tenant: TenantId,
                 model: type[KnownAccount] | type[KnownContact], values: dict[str, Any]) -> None:
    """Insert, or update unless an event of a later `sequence` is already applied (events
    may come out of order; a redelivery of the same one changes nothing)."""
    stmt = insert(model).values(tenant_id=tenant.value, **values)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[model.tenant_id, model.id],
        set_={k: stmt.excluded[k] for k in values if k != "id"},
        where=model.sequence <= stmt.excluded.sequence))


async def merged(session: AsyncSession, tenant: TenantId, *, from_id: uuid.UUID,
                 into_id: uuid.UUID) -> None:
    """The merged-away account is gone; its contacts are the survivor's (their own
    `contact.updated` say so too: this holds whichever comes first)."""
    await session.execute(sa.update(KnownAccount).where(
        KnownAccount.tenant_id == tenant.value, KnownAccount.id == from_id
    ).values(deleted=True))
    await session.execute(sa.update(KnownContact).where(
        KnownContact.tenant_id == tenant.value, KnownContact.account_id == from_id
    ).values(account_id=into_id))


async def account(session: AsyncSession, tenant: TenantId,
                  account_id: uuid.UUID) -> KnownAccount | None:
    return (await session.execute(sa.select(KnownAccount).where(
        KnownAccount.tenant_id == tenant.value, KnownAccount.id == account_id,
        KnownAccount.deleted.is_(False)))).scalar_one_or_none()


async def contact(session: AsyncSession, tenant: TenantId,
                  contact_id: uuid.UUID) -> KnownContact | None:
    return (await session.execute(sa.select(KnownContact).where(
        KnownContact.tenant_id == tenant.value, KnownContact.id == contact_id,
        KnownContact.deleted.is_(False)))).scalar_one_or_none()
