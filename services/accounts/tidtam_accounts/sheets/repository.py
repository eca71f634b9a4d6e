"""The set-based SQL of account imports: a batch's tax IDs locked and looked up in one
statement each, the contact quota taken once for the batch, its accounts, their contacts
and their phone and email keys inserted by one multi-row INSERT each, and their
`account.created` and `contact.created` events staged by one COPY into the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.db import rows_as

from ..accounts.models import Account, AccountKey
from ..accounts.repository import COLUMNS as ACCOUNT_COLUMNS
from ..accounts.repository import AccountRow, TaxIdHolder
from ..contacts.models import Contact
from ..contacts.repository import COLUMNS as CONTACT_COLUMNS
from ..contacts.repository import ContactRow
from ..quota.models import TenantPlan


async def lock_tax_ids(session: AsyncSession, tenant: TenantId,
                       keys: Sequence[tuple[str, str]]) -> None:
    """The create's advisory locks (accounts.repository.lock_tax_id) for every tax ID and
    branch of the batch, in one statement, in a fixed order (no two imports wait on each
    other crosswise)."""
    if keys:
        names = sorted({f"{tenant.value}:{tax_id}:{branch}" for tax_id, branch in keys})
        await session.execute(sa.text(
            "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) "
            "FROM unnest(CAST(:keys AS text[])) AS k ORDER BY k"), {"keys": names})


class Holder(TaxIdHolder):
    tax_id: str


async def with_tax_ids(session: AsyncSession, tenant: TenantId,
                       keys: Sequence[tuple[str, str]]) -> list[Holder]:
    """Live accounts with one of these tax ID + branch pairs, whoever owns them."""
    if not keys:
        return []
    pairs = sa.tuple_(Account.tax_id, Account.branch).in_(sorted(set(keys)))
    return rows_as(Holder, (await session.execute(
        sa.select(Account.id, Account.owner_id, Account.branch, Account.tax_id).where(
            Account.tenant_id == tenant.value, Account.merged_into.is_(None), pairs)
        .order_by(Account.created_at, Account.id))).mappings())


async def quota_left(session: AsyncSession, tenant: TenantId) -> tuple[str, int | None, int]:
    """(plan, limit, contacts counted) of the tenant, its row locked till commit (as the
    create's UPSERT locks it); none yet: the defaults', nothing counted."""
    from ..config import settings

    row = (await session.execute(sa.select(
        TenantPlan.plan, TenantPlan.contact_limit, TenantPlan.contact_count).where(
        TenantPlan.tenant_id == tenant.value).with_for_update())).one_or_none()
    if row is None:
        defaults = settings()
        return defaults.default_plan, defaults.default_contact_limit, 0
    return row.plan, row.contact_limit, row.contact_count


async def _insert_many(session: AsyncSession, tenant: TenantId, table: Any,
                       columns: Sequence[Any], rows: Sequence[dict[str, Any]]) -> list[Any]:
    """One multi-row INSERT … RETURNING `columns`, the rows back in their order."""
    if not rows:
        return []
    found = (await session.execute(
        sa.insert(table).returning(*columns, sort_by_parameter_order=True),
        [{"tenant_id": tenant.value, **r} for r in rows])).mappings()
    return [dict(r) for r in found]


async def insert_accounts(session: AsyncSession, tenant: TenantId,
                          rows: Sequence[dict[str, Any]]) -> list[AccountRow]:
    return rows_as(AccountRow, await _insert_many(session, tenant, Account, ACCOUNT_COLUMNS,
                                                  rows))


async def insert_contacts(session: AsyncSession, tenant: TenantId,
                          rows: Sequence[dict[str, Any]]) -> list[ContactRow]:
    return rows_as(ContactRow, await _insert_many(session, tenant, Contact, CONTACT_COLUMNS,
                                                  rows))


async def insert_keys(session: AsyncSession, tenant: TenantId,
                      owners: Sequence[tuple[uuid.UUID, uuid.UUID | None, Sequence[str],
                                             Sequence[str]]]) -> None:
    """The phone and email keys of new accounts and contacts: (account id, contact id or
    None, phones, emails) each, as accounts.repository.set_keys writes them."""
    rows = [dict(tenant_id=tenant.value, account_id=account_id, contact_id=contact_id,
                 kind=kind, value=value)
            for account_id, contact_id, phones, emails in owners
            for kind, values in (("phone", phones), ("email", [e.lower() for e in emails]))
            for value in dict.fromkeys(values)]
    if rows:
        await session.execute(sa.insert(AccountKey), rows)
