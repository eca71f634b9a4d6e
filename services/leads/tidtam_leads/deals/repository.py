"""All SQL about deals. Visibility is applied here, from the caller's lead scope (deals
follow the leads' rules: own / team / all by owner)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId, VisibilityScope
from crmkit.paging import before

from .models import Deal, DealHistoryEntry


def _visible(scope: VisibilityScope) -> sa.ColumnElement[bool]:
    if scope.owner_ids is None:
        return sa.true()
    return Deal.owner_id.in_(sorted(scope.owner_ids))


async def insert(session: AsyncSession, tenant: TenantId, values: dict[str, Any]) -> Deal:
    return (await session.execute(sa.insert(Deal).values(tenant_id=tenant.value, **values)
                                  .returning(Deal))).scalar_one()


async def insert_once(session: AsyncSession, tenant: TenantId,
                      values: dict[str, Any]) -> Deal | None:
    """Insert unless a deal with that id exists (then None)."""
    return (await session.execute(pg_insert(Deal).values(tenant_id=tenant.value, **values)
                                  .on_conflict_do_nothing().returning(Deal))).scalar_one_or_none()


async def get(session: AsyncSession, tenant: TenantId, scope: VisibilityScope,
              deal_id: uuid.UUID, *, lock: bool = False) -> Deal | None:
    q = sa.select(Deal).where(Deal.tenant_id == tenant.value, Deal.id == deal_id,
                              _visible(scope))
    if lock:
        q = q.with_for_update().execution_options(populate_existing=True)
    return (await session.execute(q)).scalar_one_or_none()


async def update(session: AsyncSession, tenant: TenantId, deal_id: uuid.UUID,
                 values: dict[str, Any]) -> Deal:
    """Apply a change and bump the version (the events' `sequence`)."""
    return (await session.execute(
        sa.update(Deal).where(Deal.tenant_id == tenant.value, Deal.id == deal_id)
        .values(**values, version=Deal.version + 1, updated_at=sa.func.now())
        .returning(Deal).execution_options(populate_existing=True))).scalar_one()


async def page(session: AsyncSession, tenant: TenantId, scope: VisibilityScope, *,
               limit: int, after: tuple[datetime, uuid.UUID] | None,
               filters: dict[str, Any]) -> list[Deal]:
    """Newest first, keyset on (created_at, id); `filters`: column → value (None: any)."""
    where = [Deal.tenant_id == tenant.value, _visible(scope),
             *before(Deal.created_at, Deal.id, after)]
    where += [getattr(Deal, k) == v for k, v in filters.items() if v is not None]
    q = sa.select(Deal).where(*where).order_by(Deal.created_at.desc(), Deal.id.desc())
    return list((await session.execute(q.limit(limit))).scalars())


async def append(session: AsyncSession, tenant: TenantId, deal_id: uuid.UUID, kind: str,
                 author_id: uuid.UUID | None, changes: dict[str, Any],
                 note: str | None = None) -> None:
    await session.execute(sa.insert(DealHistoryEntry).values(
        tenant_id=tenant.value, deal_id=deal_id, kind=kind, author_id=author_id,
        changes=changes, note=note))


async def history(session: AsyncSession, tenant: TenantId,
                  deal_id: uuid.UUID) -> list[DealHistoryEntry]:
    q = (sa.select(DealHistoryEntry)
         .where(DealHistoryEntry.tenant_id == tenant.value,
                DealHistoryEntry.deal_id == deal_id).order_by(DealHistoryEntry.id))
    return list((await session.execute(q)).scalars())


async def last_stage_left(session: AsyncSession, tenant: TenantId, *, deal_id: uuid.UUID,
                          pipeline_id: uuid.UUID) -> uuid.UUID | None:
    """The stage the deal was in when it last left `pipeline_id` for another pipeline (None
    if it never did), from the history nothing can rewrite."""
    changes = DealHistoryEntry.changes
    q = (sa.select(changes["stage_id"][0].astext)
         .where(DealHistoryEntry.tenant_id == tenant.value,
                DealHistoryEntry.deal_id == deal_id, DealHistoryEntry.kind == "stage_changed",
                changes["pipeline_id"][0].astext == str(pipeline_id),
                changes["pipeline_id"][1].astext != str(pipeline_id))
         .order_by(DealHistoryEntry.id.desc()).limit(1))
    found = (await session.execute(q)).scalar_one_or_none()
    return uuid.UUID(found) if found else None
