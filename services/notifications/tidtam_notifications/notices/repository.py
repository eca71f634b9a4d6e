"""All SQL of the in-app notices (the caller's own: every query names the recipient)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, TypedDict

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.db import rows_affected, rows_as
from crmkit.paging import before

from .models import Notice


class NoticeRow(TypedDict):
    id: uuid.UUID
    kind: str
    title: str
    link: str
    count: int
    params: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    read_at: datetime | None


def _mine(tenant: TenantId, user_id: uuid.UUID) -> list[sa.ColumnElement[bool]]:
    return [Notice.tenant_id == tenant.value, Notice.recipient_id == user_id]


async def page(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID, *, limit: int,
               after: tuple[datetime, uuid.UUID] | None, unread: bool) -> list[NoticeRow]:
    where = [*_mine(tenant, user_id), *before(Notice.created_at, Notice.id, after)]
    if unread:
        where.append(Notice.read_at.is_(None))
    q = (sa.select(Notice.id, Notice.kind, Notice.title, Notice.link, Notice.count,
                   Notice.params, Notice.created_at, Notice.updated_at, Notice.read_at)
         .where(*where).order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit))
    return rows_as(NoticeRow, (await session.execute(q)).mappings())


async def unread(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID) -> int:
    count = await session.scalar(sa.select(sa.func.count()).select_from(Notice).where(
        *_mine(tenant, user_id), Notice.read_at.is_(None)))
    return int(count or 0)


async def existing(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID,
                   ids: list[uuid.UUID]) -> set[uuid.UUID]:
    found = await session.scalars(sa.select(Notice.id).where(*_mine(tenant, user_id),
                                                             Notice.id.in_(ids)))
    return set(found)


async def mark_read(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID,
                    ids: list[uuid.UUID] | None) -> int:
    where = [*_mine(tenant, user_id), Notice.read_at.is_(None)]
    if ids is not None:
        where.append(Notice.id.in_(ids))
    return await rows_affected(session, sa.update(Notice).where(*where).values(
        read_at=sa.func.now()))
