"""All SQL about leads. Visibility is applied here, in SQL, from the caller's scope."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId, VisibilityScope

from ..labels.models import Label, LeadLabel
from .models import Lead

COLUMNS = [c for c in Lead.__table__.c if c.name != "search"]
UUID_ARRAY = sa.ARRAY(sa.Uuid)


def writable(scope: VisibilityScope) -> sa.ColumnElement[bool]:
    if scope.sees_all:
        return sa.true()
    return Lead.owner_id.in_(sorted(scope.owner_ids))


def readable(scope: VisibilityScope) -> sa.ColumnElement[bool]:
    cond = writable(scope)
    if scope.sender_id is not None:
        cond = sa.or_(cond, Lead.sent_by.contains(array([scope.sender_id], type_=sa.Uuid)))
    return cond


def label_ids_of(viewer: uuid.UUID) -> sa.ScalarSelect:
    """The lead's labels the viewer may see: system ones and their own personal ones."""
    return (
        sa.select(sa.func.coalesce(sa.func.array_agg(LeadLabel.label_id),
                                   sa.text("'{}'::uuid[]")))
        .join(Label, sa.and_(Label.tenant_id == LeadLabel.tenant_id,
                             Label.id == LeadLabel.label_id))
        .where(LeadLabel.tenant_id == Lead.tenant_id, LeadLabel.lead_id == Lead.id,
               sa.or_(Label.scope == "system", Label.created_by == viewer))
        .scalar_subquery()
    )


async def insert(session: AsyncSession, tenant: TenantId, values: dict[str, Any]):
    return (await session.execute(
        sa.insert(Lead).values(tenant_id=tenant.value, **values).returning(*COLUMNS)
    )).mappings().one()


async def get(session: AsyncSession, tenant: TenantId, scope: VisibilityScope,
              lead_id: uuid.UUID, viewer: uuid.UUID, *, lock: bool = False):
    q = sa.select(*COLUMNS, label_ids_of(viewer).label("label_ids")).where(
        Lead.tenant_id == tenant.value, Lead.id == lead_id, readable(scope))
    if lock:
        q = q.with_for_update(of=Lead)
    return (await session.execute(q)).mappings().one_or_none()


async def update(session: AsyncSession, tenant: TenantId, lead_id: uuid.UUID,
                 values: dict[str, Any]):
    """Apply a change and bump the aggregate's version (the events' `sequence`)."""
    return (await session.execute(
        sa.update(Lead).where(Lead.tenant_id == tenant.value, Lead.id == lead_id)
        .values(**values, version=Lead.version + 1, updated_at=sa.func.now())
        .returning(*COLUMNS)
    )).mappings().one()


async def page(session: AsyncSession, tenant: TenantId, scope: VisibilityScope,
               viewer: uuid.UUID, *, box: str, limit: int,
               after: tuple[datetime, uuid.UUID] | None, q_text: str | None,
               q_digits: str | None, label_id: uuid.UUID | None,
               pipeline_id: uuid.UUID | None, stage_id: uuid.UUID | None,
               owner_id: uuid.UUID | None) -> list:
    """One page of a box, newest first, keyset on (created_at, id)."""
    where = [Lead.tenant_id == tenant.value]
    if box == "sent":
        where += [Lead.sent_by.contains(array([viewer], type_=sa.Uuid)),
                  Lead.owner_id != viewer, readable(scope)]
    else:
        # The read-only leads a caller sent on belong in their Sent box, not here.
        where += [Lead.status == box, writable(scope)]
    if after is not None:
        where.append(sa.tuple_(Lead.created_at, Lead.id) < sa.tuple_(
            sa.literal(after[0], sa.DateTime(timezone=True)), sa.literal(after[1], sa.Uuid)))
    if q_text:
        match = Lead.search.ilike(q_text, escape="\\")
        where.append(sa.or_(match, Lead.search.like(q_digits, escape="\\")) if q_digits
                     else match)
    if pipeline_id:
        where.append(Lead.pipeline_id == pipeline_id)
    if stage_id:
        where.append(Lead.stage_id == stage_id)
    if owner_id:
        where.append(Lead.owner_id == owner_id)
    if label_id:
        where.append(sa.exists().where(
            LeadLabel.tenant_id == Lead.tenant_id, LeadLabel.lead_id == Lead.id,
            LeadLabel.label_id == label_id, Label.tenant_id == LeadLabel.tenant_id,
            Label.id == LeadLabel.label_id,
            sa.or_(Label.scope == "system", Label.created_by == viewer)))
    q = (sa.select(*COLUMNS, label_ids_of(viewer).label("label_ids")).where(*where)
         .order_by(Lead.created_at.desc(), Lead.id.desc()).limit(limit))
    return list((await session.execute(q)).mappings())


async def duplicates(session: AsyncSession, tenant: TenantId, scope: VisibilityScope,
                     phone: str, email: str, exclude: uuid.UUID) -> list:
    """Open leads the caller can see with the same phone or email."""
    q = (sa.select(Lead.id, Lead.name, Lead.phone).where(
        Lead.tenant_id == tenant.value, Lead.status == "inbox", Lead.id != exclude,
        sa.or_(Lead.phone == phone, sa.func.lower(Lead.email) == email.lower()),
        readable(scope)).order_by(Lead.created_at.desc()).limit(10))
    return list((await session.execute(q)).mappings())


async def set_label(session: AsyncSession, tenant: TenantId, lead_id: uuid.UUID,
                    label_ids: list[uuid.UUID]) -> None:
    if not label_ids:
        return
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    await session.execute(pg_insert(LeadLabel).values([
        dict(tenant_id=tenant.value, lead_id=lead_id, label_id=lid) for lid in label_ids
    ]).on_conflict_do_nothing())


async def unset_label(session: AsyncSession, tenant: TenantId, lead_id: uuid.UUID,
                      label_id: uuid.UUID) -> None:
    await session.execute(sa.delete(LeadLabel).where(
        LeadLabel.tenant_id == tenant.value, LeadLabel.lead_id == lead_id,
        LeadLabel.label_id == label_id))
