"""All SQL about accounts. Visibility is applied here, in SQL, from the caller's scope."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TypedDict

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId, VisibilityScope
from crmkit.custom import CustomFilter, to_sql
from crmkit.db import row_as, rows_as
from crmkit.paging import before

from ..db import id_batches
from .models import Account, AccountKey

COLUMNS = [c for c in Account.__table__.c if c.name not in ("search", "name_key")]


class AccountRow(TypedDict):
    """An account as the queries return it: COLUMNS (a test holds the two equal)."""

    tenant_id: uuid.UUID
    id: uuid.UUID
    kind: str
    name: str
    name_en: str | None
    tax_id: str | None
    branch: str | None
    address: dict[str, Any] | None
    province: str | None
    phones: list[str]
    emails: list[str]
    website: str | None
    line_id: str | None
    lat: float | None
    lon: float | None
    owner_id: uuid.UUID
    credit_limit: Decimal | None
    credit_days: int | None
    bill_discount: dict[str, Any] | None
    anniversaries: list[dict[str, Any]]
    labels: list[str]
    custom: dict[str, Any]
    merged_into: uuid.UUID | None
    version: int
    created_at: datetime
    updated_at: datetime


class SimilarRow(AccountRow):
    """A duplicate-check candidate and what matched."""

    found_tax: str | None
    key_hits: list[str] | None
    name_sim: float


# A search's first page straight from account_search_page: owner ids (None: all), the
# keyset position, the page size.
SearchPage = tuple[list[uuid.UUID] | None, tuple[datetime, uuid.UUID] | None, int]


class TaxIdHolder(TypedDict):
    id: uuid.UUID
    owner_id: uuid.UUID
    branch: str | None


def visible(scope: VisibilityScope) -> sa.ColumnElement[bool]:
    """Accounts have no Sent box: whoever may see an account may change it."""
    live = Account.merged_into.is_(None)
    if scope.owner_ids is None:  # sees all
        return live
    return sa.and_(live, Account.owner_id.in_(sorted(scope.owner_ids)))


async def insert(session: AsyncSession, tenant: TenantId, values: dict[str, Any]) -> AccountRow:
    return row_as(AccountRow, (await session.execute(
        sa.insert(Account).values(tenant_id=tenant.value, **values).returning(*COLUMNS)
    )).mappings().one())


async def get(session: AsyncSession, tenant: TenantId, scope: VisibilityScope,
              account_id: uuid.UUID, *, lock: bool = False) -> AccountRow | None:
    q = sa.select(*COLUMNS).where(Account.tenant_id == tenant.value, Account.id == account_id,
                                  visible(scope))
    if lock:
        q = q.with_for_update()
    row = (await session.execute(q)).mappings().one_or_none()
    return None if row is None else row_as(AccountRow, row)


async def merged_into(session: AsyncSession, tenant: TenantId,
                      account_id: uuid.UUID) -> uuid.UUID | None:
    return (await session.execute(sa.select(Account.merged_into).where(
        Account.tenant_id == tenant.value, Account.id == account_id))).scalar_one_or_none()


async def update(session: AsyncSession, tenant: TenantId, account_id: uuid.UUID,
                 values: dict[str, Any]) -> AccountRow:
    """Apply a change and bump the aggregate's version (the events' `sequence`)."""
    return row_as(AccountRow, (await session.execute(
        sa.update(Account).where(Account.tenant_id == tenant.value, Account.id == account_id)
        .values(**values, version=Account.version + 1, updated_at=sa.func.now())
        .returning(*COLUMNS)
    )).mappings().one())


async def delete(session: AsyncSession, tenant: TenantId, account_id: uuid.UUID) -> None:
    await session.execute(sa.delete(Account).where(Account.tenant_id == tenant.value,
                                                   Account.id == account_id))


def live_batches(session: AsyncSession, tenant: TenantId, *,
                 size: int) -> AsyncIterator[list[AccountRow]]:
    """Every live (not merged-away) account of the tenant, `size` at a time, by id."""
    return id_batches(session, sa.select(*COLUMNS).where(
        Account.tenant_id == tenant.value, Account.merged_into.is_(None)),
        Account.id, AccountRow, size=size)


async def lock_tax_id(session: AsyncSession, tenant: TenantId, tax_id: str,
                      branch: str | None) -> None:
    """Serialise saves of one tax ID + branch (till commit), so two concurrent creates
    cannot both pass the "already exists" check."""
    await session.execute(sa.select(sa.func.pg_advisory_xact_lock(
        sa.func.hashtextextended(f"{tenant.value}:{tax_id}:{branch}", 0))))


async def with_tax_id(session: AsyncSession, tenant: TenantId, *, tax_id: str,
                      branch: str | None, exclude: uuid.UUID | None) -> list[TaxIdHolder]:
    """Live accounts with this tax ID (and branch, when given), whoever owns them."""
    where = [Account.tenant_id == tenant.value, Account.tax_id == tax_id,
             Account.merged_into.is_(None)]
    if branch is not None:
        where.append(Account.branch == branch)
    if exclude is not None:
        where.append(Account.id != exclude)
    return rows_as(TaxIdHolder, (await session.execute(
        sa.select(Account.id, Account.owner_id, Account.branch).where(*where).limit(20)
    )).mappings())


async def set_keys(session: AsyncSession, tenant: TenantId, *, account_id: uuid.UUID,
                   contact_id: uuid.UUID | None, phones: Sequence[str],
                   emails: Sequence[str]) -> None:
    """Replace the phone and email keys of an account (contact_id None) or a contact."""
    owner = (AccountKey.contact_id.is_(None) if contact_id is None
             else AccountKey.contact_id == contact_id)
    await session.execute(sa.delete(AccountKey).where(
        AccountKey.tenant_id == tenant.value, AccountKey.account_id == account_id, owner))
    rows = [dict(tenant_id=tenant.value, account_id=account_id, contact_id=contact_id,
                 kind=kind, value=value)
            for kind, values in (("phone", phones), ("email", [e.lower() for e in emails]))
            for value in dict.fromkeys(values)]
    if rows:
        await session.execute(sa.insert(AccountKey), rows)


async def move_keys(session: AsyncSession, tenant: TenantId, *, from_id: uuid.UUID,
                    to_id: uuid.UUID) -> None:
    await session.execute(sa.update(AccountKey).where(
        AccountKey.tenant_id == tenant.value, AccountKey.account_id == from_id)
        .values(account_id=to_id))


def _matching_ids(tenant: TenantId, text_: str, digits: str | None, keys: Sequence[str],
                  page: SearchPage | None = None
                  ) -> sa.CompoundSelect[uuid.UUID] | sa.Select[uuid.UUID]:
    """Ids of accounts whose search text matches, or that have one of `keys` as a phone or
    email, their own or a contact's: one set, so the list fetches each by its key (as an
    OR of the two, it walked the whole tenant). With `page` (owner ids or None, the keyset
    position, the page size) only the first page of text matches, newest first
    (account_search_page, 0005): for a search with no other filter."""
    if page is None:
        found = sa.select(sa.func.account_search_ids(sa.literal(text_, sa.Text),
                                                     sa.literal(digits, sa.Text)))
    else:
        owners, after, limit = page
        found = sa.select(sa.func.account_search_page(
            sa.literal(text_, sa.Text), sa.literal(digits, sa.Text),
            sa.literal(owners, sa.ARRAY(sa.Uuid)),
            sa.literal(after[0] if after else None, sa.DateTime(timezone=True)),
            sa.literal(after[1] if after else None, sa.Uuid), limit))
    if not keys:
        return found
    return sa.union(found, sa.select(AccountKey.account_id).where(
        AccountKey.tenant_id == tenant.value, AccountKey.value.in_(list(keys))))


async def page(session: AsyncSession, tenant: TenantId, scope: VisibilityScope, *,
               limit: int, after: tuple[datetime, uuid.UUID] | None,
               q: tuple[str | None, str | None], q_keys: Sequence[str],
               label: str | None, province: str | None, owner_id: uuid.UUID | None,
               custom: Sequence[CustomFilter] = (),
               also_q: tuple[tuple[str | None, str | None], Sequence[str]] | None = None
               ) -> list[AccountRow]:
    """One page, newest first, keyset on (created_at, id). `q`: LIKE patterns on the search
    column (text, digits); `q_keys`: exact phones/emails that also match (contacts' too);
    `also_q`: a segment's search, which must match as well."""
    where = [Account.tenant_id == tenant.value, visible(scope)]
    where += before(Account.created_at, Account.id, after)
    alone = not (label or province or owner_id or custom or also_q)
    page_of = ((None if scope.owner_ids is None else sorted(scope.owner_ids)), after, limit)
    for (text_, digits), keys in ((q, q_keys), also_q or ((None, None), ())):
        if text_:
            where.append(Account.id.in_(_matching_ids(tenant, text_, digits, keys,
                                                      page_of if alone else None)))
    where += to_sql(Account.custom, custom)
    if label:
        where.append(Account.labels.contains([label]))
    if province:
        where.append(Account.province == province)
    if owner_id:
        where.append(Account.owner_id == owner_id)
    q_ = (sa.select(*COLUMNS).where(*where)
          .order_by(Account.created_at.desc(), Account.id.desc()).limit(limit))
    return rows_as(AccountRow, (await session.execute(q_)).mappings())


async def similar(session: AsyncSession, tenant: TenantId, scope: VisibilityScope, *,
                  tax_id: str | None, keys: Sequence[str], name_key: str | None,
                  exclude: uuid.UUID | None, limit: int = 10) -> list[SimilarRow]:
    """Candidates for the duplicate check, with what matched: `found_tax`, `key_hits`
    (their phones/emails among `keys`), `name_sim` (trigram similarity of the affix-free
    names). Each kind of match finds its ids by its own index; the union is then fetched
    by key (an OR of the three in one WHERE walked the whole tenant)."""
    hits = (sa.select(sa.func.array_agg(sa.distinct(AccountKey.value)))
            .where(AccountKey.tenant_id == Account.tenant_id,
                   AccountKey.account_id == Account.id,
                   AccountKey.value.in_(list(keys) or [""]))
            .scalar_subquery())
    found: list[sa.Select[uuid.UUID]] = []
    if tax_id:
        found.append(sa.select(Account.id).where(Account.tenant_id == tenant.value,
                                                 Account.tax_id == tax_id))
    if keys:
        found.append(sa.select(AccountKey.account_id).where(
            AccountKey.tenant_id == tenant.value, AccountKey.value.in_(list(keys))))
    names = None
    if name_key:
        # pg_trgm similarity on the names' search copy (0004_search): the closest few,
        # whoever owns them; visibility applies below.
        names = (sa.select(sa.column("account_id", sa.Uuid), sa.column("sim", sa.Float))
                 .select_from(sa.func.account_similar_names(name_key, limit * 3)
                              .table_valued("account_id", "sim").alias("similar"))
                 .cte("names"))  # referenced twice, computed once
        found.append(sa.select(names.c.account_id))
    if not found:
        return []
    sim = sa.func.coalesce(names.c.sim, 0.0) if names is not None else sa.literal(0.0)
    where = [Account.tenant_id == tenant.value, visible(scope),
             Account.id.in_(sa.union(*found) if len(found) > 1 else found[0])]
    if exclude is not None:
        where.append(Account.id != exclude)
    q = sa.select(*COLUMNS, Account.tax_id.label("found_tax"), hits.label("key_hits"),
                  sim.label("name_sim"))
    q = q.select_from(Account.__table__.outerjoin(names, names.c.account_id == Account.id)
                      if names is not None else Account.__table__)
    q = q.where(*where).order_by(sim.desc(), Account.created_at.desc()).limit(limit * 3)
    return rows_as(SimilarRow, (await session.execute(q)).mappings())
