from __future__ import annotations

import uuid
from typing import Any

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


async def visible(session: AsyncSession, tenant: TenantId, viewer: uuid.UUID, *,
                  include_retired: bool = True) -> list[Label]:
    q = sa.select(Label).where(Label.tenant_id == tenant.value, _visible(viewer))
    if not include_retired:
        q = q.where(Label.retired_at.is_(None))
    return list((await session.execute(q.order_by(Label.scope.desc(), Label.name))).scalars())


async def get_visible(session: AsyncSession, tenant: TenantId, viewer: uuid.UUID,
                      ids: list[uuid.UUID]) -> list[Label]:
    return list((await session.execute(sa.select(Label).where(
        Label.tenant_id == tenant.value, Label.id.in_(ids), _visible(viewer)))).scalars())


async def get(session: AsyncSession, tenant: TenantId, viewer: uuid.UUID, lid: uuid.UUID, *,
              lock: bool = False) -> Label | None:
    q = sa.select(Label).where(Label.tenant_id == tenant.value, Label.id == lid,
                               _visible(viewer))
    if lock:
        q = q.with_for_update()
    return (await session.execute(q)).scalar_one_or_none()


async def name_taken(session: AsyncSession, tenant: TenantId, label: Label, name: str) -> bool:
    """Another label of the same kind (system, or this maker's personal) has `name`."""
    q = sa.select(sa.literal(1)).where(
        Label.tenant_id == tenant.value, Label.scope == label.scope, Label.id != label.id,
        sa.func.lower(Label.name) == name.lower())
    if label.scope == "personal":
        q = q.where(Label.created_by == label.created_by)
    return bool(await session.scalar(q))


async def update(session: AsyncSession, tenant: TenantId, lid: uuid.UUID,
                 values: dict[str, Any]) -> Label:
    return (await session.execute(
        sa.update(Label).where(Label.tenant_id == tenant.value, Label.id == lid)
        .values(**values, version=Label.version + 1).returning(Label)
        .execution_options(populate_existing=True))).scalar_one()
