"""All SQL about forms and submissions (the session is the tenant's: RLS applies, and every
query names the tenant too)."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.db import driver
from crmkit.events import CloudEvent
from crmkit.outbox import stage_args, staged_with

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


# The public post's one statement: the submission and its `lead.captured` in the outbox, if
# the form is still the version the caller validated against (its process keeps forms
# between posts: public.FormCache) and still enabled. Answers whether it was (`current`;
# if not, nothing was written) and whether the submission is new (`new`; a repeat of its
# id writes nothing). Raw asyncpg, prepared once per connection: no SQLAlchemy compiling.
_ACCEPT = f"""
WITH form AS (
    SELECT id FROM forms WHERE tenant_id = $1 AND id = $2 AND version = $3 AND enabled
), submission AS (
    INSERT INTO submissions (tenant_id, id, form_id) SELECT $1, $4, form.id FROM form
    ON CONFLICT (tenant_id, id) DO NOTHING RETURNING id
), event AS (
    {staged_with("submission", 5, {})}
)
SELECT EXISTS (SELECT 1 FROM form) AS current, EXISTS (SELECT 1 FROM submission) AS new"""


async def accept_submission(session: AsyncSession, tenant: TenantId, *, form_id: uuid.UUID,
                            version: int, submission_id: uuid.UUID, event: CloudEvent
                            ) -> tuple[bool, bool]:
    """(the form is still `version` and enabled, the submission is new): the submission
    and `event` staged with it in one round trip, or nothing written."""
    conn = await driver(session)
    row = await conn.fetchrow(_ACCEPT, tenant.value, form_id, version, submission_id,
                              *stage_args(event))
    assert row is not None  # a SELECT without FROM: always one row
    return bool(row["current"]), bool(row["new"])
