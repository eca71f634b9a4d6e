"""The append-only lead history: inserts and reads only (the database refuses the rest)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypedDict

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.db import row_as, rows_as

from ..leads.models import Lead
from ..users.models import User
from .models import HistoryEntry

COLUMNS = list(HistoryEntry.__table__.c)


class EntryRow(TypedDict):
    tenant_id: uuid.UUID
    id: int
    lead_id: uuid.UUID
    kind: str
    author_id: uuid.UUID | None
    channel: str | None
    note: str | None
    next_contact_at: datetime | None
    detail: dict[str, Any]
    created_at: datetime


class AuthoredEntryRow(EntryRow):
    author_name: str | None


async def append(session: AsyncSession, tenant: TenantId, lead_id: uuid.UUID, kind: str,
                 author_id: uuid.UUID | None, *, channel: str | None = None,
                 note: str | None = None, next_contact_at: datetime | None = None,
                 detail: dict[str, Any] | None = None) -> EntryRow:
    return row_as(EntryRow, (await session.execute(sa.insert(HistoryEntry).values(
        tenant_id=tenant.value, lead_id=lead_id, kind=kind, author_id=author_id,
        channel=channel, note=note, next_contact_at=next_contact_at, detail=detail or {},
    ).returning(*COLUMNS))).mappings().one())


async def lead_exists(session: AsyncSession, tenant: TenantId, lead_id: uuid.UUID) -> bool:
    return bool((await session.execute(sa.select(sa.exists().where(
        Lead.tenant_id == tenant.value, Lead.id == lead_id)))).scalar())


async def append_many(session: AsyncSession, tenant: TenantId, kind: str,
                      author_id: uuid.UUID | None,
                      entries: Sequence[tuple[uuid.UUID, dict[str, Any]]]) -> None:
    """One entry of `kind` per `(lead_id, detail)`, in one statement."""
    if entries:
        await session.execute(sa.insert(HistoryEntry).values([
            dict(tenant_id=tenant.value, lead_id=lead_id, kind=kind, author_id=author_id,
                 detail=detail) for lead_id, detail in entries]))


def _select(tenant: TenantId, lead_id: uuid.UUID) -> sa.Select[Any]:
    return (sa.select(*COLUMNS, User.name.label("author_name"))
            .outerjoin(User, sa.and_(User.tenant_id == HistoryEntry.tenant_id,
                                     User.id == HistoryEntry.author_id))
            .where(HistoryEntry.tenant_id == tenant.value, HistoryEntry.lead_id == lead_id))


async def entries(session: AsyncSession, tenant: TenantId, lead_id: uuid.UUID,
                  kinds: Sequence[str] | None) -> list[AuthoredEntryRow]:
    q = _select(tenant, lead_id)
    if kinds:
        q = q.where(HistoryEntry.kind.in_(kinds))
    result = await session.execute(q.order_by(HistoryEntry.id))
    return rows_as(AuthoredEntryRow, result.mappings())


async def entry(session: AsyncSession, tenant: TenantId, lead_id: uuid.UUID,
                entry_id: int) -> AuthoredEntryRow | None:
    q = _select(tenant, lead_id).where(HistoryEntry.id == entry_id)
    row = (await session.execute(q)).mappings().one_or_none()
    return None if row is None else row_as(AuthoredEntryRow, row)


async def last_stage_left(session: AsyncSession, tenant: TenantId, *, lead_id: uuid.UUID,
                          pipeline_id: uuid.UUID) -> uuid.UUID | None:
    """The stage the lead was in when it last left `pipeline_id` for another pipeline (None
    if it never did), read from the log, which nothing can rewrite."""
    detail = HistoryEntry.detail
    q = (sa.select(detail["from_stage_id"].astext)
         .where(HistoryEntry.tenant_id == tenant.value, HistoryEntry.lead_id == lead_id,
                HistoryEntry.kind == "stage_changed",
                detail["from_pipeline_id"].astext == str(pipeline_id),
                detail["to_pipeline_id"].astext != str(pipeline_id))
         .order_by(HistoryEntry.id.desc()).limit(1))
    found = (await session.execute(q)).scalar_one_or_none()
    return uuid.UUID(found) if found else None
