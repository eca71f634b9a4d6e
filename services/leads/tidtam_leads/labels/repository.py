from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.db import rows_affected

from .models import Label


def _visible(viewer: uuid.UUID) -> sa.ColumnElement[bool]:
    return sa.or_(Label.scope == "system", Label.created_by == viewer)


async def create(session: AsyncSession, tenant: TenantId, lid: uuid.UUID, name: str,
                 color: str | None, scope: str, creator: uuid.UUID) -> bool:
    """False when the name is taken (system names per tenant, personal per maker)."""
    return await rows_affected(session, insert(Label).values(
        tenant_id=tenant.value, id=lid, name=name, color=color, scope=scope, created_by=creator,
    ).on_conflict_do_nothing()) == 1


async def visible(session: AsyncSession, tenant: TenantId, viewer: uuid.UUID) -> list[Label]:
    return list((await session.execute(sa.select(Label).where(
        Label.tenant_id == tenant.value, _visible(viewer))
        .order_by(Label.scope.desc(), Label.name))).scalars())


async def get_visible(session: AsyncSession, tenant: TenantId, viewer: uuid.UUID,
                      ids: list[uuid.UUID]) -> list[Label]:
    return list((await session.execute(sa.select(Label).where(
        Label.tenant_id == tenant.value, Label.id.in_(ids), _visible(viewer)))).scalars())
