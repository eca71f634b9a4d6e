"""The append-only lead history: inserts and reads only (the database refuses the rest)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from ..users.models import User
from .models import HistoryEntry

COLUMNS = list(HistoryEntry.__table__.c)


async def append(session: AsyncSession, tenant: TenantId, lead_id: uuid.UUID, kind: str,
                 author_id: uuid.UUID | None, *, channel: str | None = None,
                 note: str | None = None, next_contact_at: datetime | None = None,
                 detail: dict[str, Any] | None = None):
    return (await session.execute(sa.insert(HistoryEntry).values(
        tenant_id=tenant.value, lead_id=lead_id, kind=kind, author_id=author_id,
        channel=channel, note=note, next_contact_at=next_contact_at, detail=detail or {},
    ).returning(*COLUMNS))).mappings().one()


async def entries(session: AsyncSession, tenant: TenantId, lead_id: uuid.UUID,
                  kinds: list[str] | None) -> list:
    q = (sa.select(*COLUMNS, User.name.label("author_name"))
         .outerjoin(User, sa.and_(User.tenant_id == HistoryEntry.tenant_id,
                                  User.id == HistoryEntry.author_id))
         .where(HistoryEntry.tenant_id == tenant.value, HistoryEntry.lead_id == lead_id))
    if kinds:
        q = q.where(HistoryEntry.kind.in_(kinds))
    return list((await session.execute(q.order_by(HistoryEntry.id))).mappings())
