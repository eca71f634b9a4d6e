"""All SQL about contacts. Visibility comes from their account (the service checks it)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any, TypedDict

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.db import row_as, rows_as
from crmkit.paging import before

from ..db import id_batches
from .models import Contact

COLUMNS = list(Contact.__table__.c)


class ContactRow(TypedDict):
    """A contact as the queries return it: COLUMNS (a test holds the two equal)."""

    tenant_id: uuid.UUID
    id: uuid.UUID
    account_id: uuid.UUID
    name: str
    position: str | None
    phones: list[str]
    emails: list[str]
    line_id: str | None
    birthday: date | None
    is_primary: bool
    version: int
    created_at: datetime
    updated_at: datetime


def _of(tenant: TenantId, account_id: uuid.UUID) -> list[sa.ColumnElement[bool]]:
    return [Contact.tenant_id == tenant.value, Contact.account_id == account_id]


async def insert(session: AsyncSession, tenant: TenantId, values: dict[str, Any]) -> ContactRow:
    return row_as(ContactRow, (await session.execute(
        sa.insert(Contact).values(tenant_id=tenant.value, **values).returning(*COLUMNS)
    )).mappings().one())


async def get(session: AsyncSession, tenant: TenantId, *, account_id: uuid.UUID,
              contact_id: uuid.UUID, lock: bool = False) -> ContactRow | None:
    q = sa.select(*COLUMNS).where(*_of(tenant, account_id), Contact.id == contact_id)
    if lock:
        q = q.with_for_update()
    row = (await session.execute(q)).mappings().one_or_none()
    return None if row is None else row_as(ContactRow, row)


async def update(session: AsyncSession, tenant: TenantId, contact_id: uuid.UUID,
                 values: dict[str, Any]) -> ContactRow:
    return row_as(ContactRow, (await session.execute(
        sa.update(Contact).where(Contact.tenant_id == tenant.value, Contact.id == contact_id)
        .values(**values, version=Contact.version + 1, updated_at=sa.func.now())
        .returning(*COLUMNS)
    )).mappings().one())


async def delete(session: AsyncSession, tenant: TenantId, contact_id: uuid.UUID) -> None:
    await session.execute(sa.delete(Contact).where(Contact.tenant_id == tenant.value,
                                                   Contact.id == contact_id))


async def clear_primary(session: AsyncSession, tenant: TenantId,
                        account_id: uuid.UUID) -> list[ContactRow]:
    """Unset the account's primary contact; the rows changed (for their events)."""
    return rows_as(ContactRow, (await session.execute(
        sa.update(Contact).where(*_of(tenant, account_id), Contact.is_primary.is_(True))
        .values(is_primary=False, version=Contact.version + 1, updated_at=sa.func.now())
        .returning(*COLUMNS)
    )).mappings())


async def count(session: AsyncSession, tenant: TenantId, account_id: uuid.UUID) -> int:
    return (await session.execute(
        sa.select(sa.func.count()).select_from(Contact).where(*_of(tenant, account_id))
    )).scalar_one()


async def existing(session: AsyncSession, tenant: TenantId, account_id: uuid.UUID,
                   ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of `ids` are contacts of the account."""
    if not ids:
        return set()
    result = await session.execute(sa.select(Contact.id).where(
        *_of(tenant, account_id), Contact.id.in_(ids)))
    return set(result.scalars())


async def has_primary(session: AsyncSession, tenant: TenantId, account_id: uuid.UUID) -> bool:
    return (await session.execute(sa.select(sa.exists().where(
        *_of(tenant, account_id), Contact.is_primary.is_(True))))).scalar_one()


async def page(session: AsyncSession, tenant: TenantId, account_id: uuid.UUID, *,
               limit: int, after: tuple[datetime, uuid.UUID] | None,
               is_primary: bool | None = None) -> list[ContactRow]:
    """Newest first, keyset on (created_at, id)."""
    where = _of(tenant, account_id)
    where += before(Contact.created_at, Contact.id, after)
    if is_primary is not None:
        where.append(Contact.is_primary.is_(is_primary))
    q = (sa.select(*COLUMNS).where(*where)
         .order_by(Contact.created_at.desc(), Contact.id.desc()).limit(limit))
    return rows_as(ContactRow, (await session.execute(q)).mappings())


async def move(session: AsyncSession, tenant: TenantId, *, from_id: uuid.UUID,
               to_id: uuid.UUID) -> list[ContactRow]:
    """Move every contact of `from_id` to `to_id` (none of them primary there)."""
    return rows_as(ContactRow, (await session.execute(
        sa.update(Contact).where(*_of(tenant, from_id))
        .values(account_id=to_id, is_primary=False, version=Contact.version + 1,
                updated_at=sa.func.now())
        .returning(*COLUMNS)
    )).mappings())


def batches(session: AsyncSession, tenant: TenantId, *,
            size: int) -> AsyncIterator[list[ContactRow]]:
    """Every contact of the tenant, `size` at a time, by id (keyset: no batch is held
    while the next is read)."""
    return id_batches(session, sa.select(*COLUMNS).where(Contact.tenant_id == tenant.value),
                      Contact.id, ContactRow, size=size)
