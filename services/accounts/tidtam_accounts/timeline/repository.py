"""All SQL of the timeline projection."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, TypedDict

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.db import rows_as
from crmkit.paging import before

from .models import Entry, LeadLink


class TimelineRow(TypedDict):
    id: uuid.UUID
    account_id: uuid.UUID
    lead_id: uuid.UUID | None
    kind: str
    at: datetime
    summary: dict[str, Any]
    created_at: datetime  # `at` again, for crmkit.paging

_SURVIVOR = sa.text("""
WITH RECURSIVE chain(id, merged_into, depth) AS (
    SELECT id, merged_into, 0 FROM accounts WHERE tenant_id = :tenant AND id = :account
    UNION ALL
    SELECT a.id, a.merged_into, c.depth + 1 FROM accounts a
    JOIN chain c ON a.tenant_id = :tenant AND a.id = c.merged_into WHERE c.depth < 50
)
SELECT id FROM chain WHERE merged_into IS NULL
""").bindparams(sa.bindparam("tenant", type_=sa.Uuid), sa.bindparam("account", type_=sa.Uuid))


async def survivor(session: AsyncSession, tenant: TenantId, account_id: uuid.UUID) -> uuid.UUID:
    """The live account `account_id` was (perhaps repeatedly) merged into, or itself."""
    found = (await session.execute(_SURVIVOR, dict(tenant=tenant.value, account=account_id))
             ).scalar_one_or_none()
    return found or account_id


async def link(session: AsyncSession, tenant: TenantId, *, lead_id: uuid.UUID,
               account_id: uuid.UUID | None, contact_id: uuid.UUID | None,
               sequence: int) -> LeadLink:
    """Record the lead's account as of `sequence` (an older event changes nothing); returns
    the link now in force."""
    stmt = insert(LeadLink).values(tenant_id=tenant.value, lead_id=lead_id,
                                   account_id=account_id, contact_id=contact_id,
                                   sequence=sequence)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[LeadLink.tenant_id, LeadLink.lead_id],
        set_={"account_id": stmt.excluded.account_id, "contact_id": stmt.excluded.contact_id,
              "sequence": stmt.excluded.sequence},
        where=LeadLink.sequence <= stmt.excluded.sequence))
    return (await session.execute(sa.select(LeadLink).where(
        LeadLink.tenant_id == tenant.value, LeadLink.lead_id == lead_id))).scalar_one()


async def account_of_lead(session: AsyncSession, tenant: TenantId,
                          lead_id: uuid.UUID) -> uuid.UUID | None:
    """The account the lead belongs to, as its latest event said (None: none yet)."""
    found: uuid.UUID | None = (await session.execute(sa.select(LeadLink.account_id).where(
        LeadLink.tenant_id == tenant.value, LeadLink.lead_id == lead_id))).scalar_one_or_none()
    return found


async def adopt(session: AsyncSession, tenant: TenantId, *, lead_id: uuid.UUID,
                account_id: uuid.UUID) -> None:
    """The lead's entries from before it had an account now belong to it."""
    await session.execute(sa.update(Entry).where(
        Entry.tenant_id == tenant.value, Entry.lead_id == lead_id, Entry.account_id.is_(None)
    ).values(account_id=account_id))


async def append(session: AsyncSession, tenant: TenantId, *, event_id: uuid.UUID,
                 account_id: uuid.UUID | None, lead_id: uuid.UUID | None, kind: str,
                 at: datetime, summary: dict[str, Any]) -> None:
    await session.execute(insert(Entry).values(
        tenant_id=tenant.value, id=uuid.uuid4(), event_id=event_id, account_id=account_id,
        lead_id=lead_id, kind=kind, at=at, summary=summary,
    ).on_conflict_do_nothing(index_elements=[Entry.tenant_id, Entry.event_id]))


async def move_account(session: AsyncSession, tenant: TenantId, *, from_id: uuid.UUID,
                       to_id: uuid.UUID) -> None:
    for model in (LeadLink, Entry):
        await session.execute(sa.update(model).where(
            model.tenant_id == tenant.value, model.account_id == from_id
        ).values(account_id=to_id))


async def page(session: AsyncSession, tenant: TenantId, account_id: uuid.UUID, *, limit: int,
               after: tuple[datetime, uuid.UUID] | None) -> list[TimelineRow]:
    """Newest first, keyset on (at, id); `created_at` is `at`, for crmkit.paging."""
    where = [Entry.tenant_id == tenant.value, Entry.account_id == account_id]
    where += before(Entry.at, Entry.id, after)
    q = (sa.select(Entry.id, Entry.account_id, Entry.lead_id, Entry.kind, Entry.at,
                   Entry.summary, Entry.at.label("created_at"))
         .where(*where).order_by(Entry.at.desc(), Entry.id.desc()).limit(limit))
    return rows_as(TimelineRow, (await session.execute(q)).mappings())
