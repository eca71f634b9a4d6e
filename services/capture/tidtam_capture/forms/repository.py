"""All SQL about forms and submissions (the session is the tenant's: RLS applies, and every
query names the tenant too)."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .models import Form, Submission

_COUNT = (sa.select(sa.func.count()).where(Submission.tenant_id == Form.tenant_id,
                                            Submission.form_id == Form.id)
          .correlate(Form).scalar_subquery().label("submissions"))
_COLUMNS = [*Form.__table__.c, _COUNT]


async def insert_form(session: AsyncSession, tenant: TenantId,
                      values: dict[str, Any]) -> dict[str, Any]:
    row = (await session.execute(insert(Form).values(tenant_id=tenant.value, **values)
                                 .returning(*Form.__table__.c))).mappings().one()
    return {**row, "submissions": 0}


async def get(session: AsyncSession, tenant: TenantId, form_id: uuid.UUID, *,
              lock: bool = False) -> dict[str, Any] | None:
    stmt = sa.select(*_COLUMNS).where(Form.tenant_id == tenant.value, Form.id == form_id)
    if lock:
        stmt = stmt.with_for_update(of=Form)
    row = (await session.execute(stmt)).mappings().one_or_none()
    return dict(row) if row else None


async def by_public_key(session: AsyncSession, tenant: TenantId,
                        public_key: str) -> dict[str, Any] | None:
    row = (await session.execute(sa.select(*Form.__table__.c).where(
        Form.tenant_id == tenant.value, Form.public_key == public_key))).mappings().one_or_none()
    return dict(row) if row else None


async def listing(session: AsyncSession, tenant: TenantId) -> list[dict[str, Any]]:
    rows = await session.execute(sa.select(*_COLUMNS).where(Form.tenant_id == tenant.value)
                                 .order_by(Form.created_at.desc(), Form.id.desc()))
    return [dict(r) for r in rows.mappings()]


async def update(session: AsyncSession, tenant: TenantId, form_id: uuid.UUID,
                 values: dict[str, Any]) -> None:
    await session.execute(sa.update(Form).where(Form.tenant_id == tenant.value,
                                                Form.id == form_id)
                          .values(**values, version=Form.version + 1, updated_at=sa.func.now()))


async def delete(session: AsyncSession, tenant: TenantId, form_id: uuid.UUID) -> bool:
    done = await session.execute(sa.delete(Form).where(Form.tenant_id == tenant.value,
                                                       Form.id == form_id)
                                 .returning(Form.id))
    return done.scalar_one_or_none() is not None


async def record_submission(session: AsyncSession, tenant: TenantId, *,
                            submission_id: uuid.UUID, form_id: uuid.UUID) -> bool:
    """True if this submission is new; False: it was received before (a repeat)."""
    done = await session.execute(
        insert(Submission).values(tenant_id=tenant.value, id=submission_id, form_id=form_id)
        .on_conflict_do_nothing(index_elements=[Submission.tenant_id, Submission.id])
        .returning(Submission.id))
    return done.scalar_one_or_none() is not None
