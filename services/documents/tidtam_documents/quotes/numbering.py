"""Document numbers: per tenant, series (QT, IV, TX, CN) and Buddhist year, e.g.
QT2569-0001. The counter row is incremented by an upsert that holds its row lock until the
issuing transaction commits: a second issuer waits, then sees the committed value, so no
two documents share a number, and a transaction that rolls back gives its number back (no
gap)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .models import Counter


def be_year(day: date) -> int:
    return day.year + 543


async def next_number(session: AsyncSession, tenant: TenantId, series: str,
                      day: date) -> str:
    year = be_year(day)
    stmt = insert(Counter).values(tenant_id=tenant.value, series=series, year_be=year, last=1)
    stmt = stmt.on_conflict_do_update(index_elements=[Counter.tenant_id, Counter.series,
                                                      Counter.year_be],
                                      set_={"last": Counter.last + 1})
    n = (await session.execute(stmt.returning(Counter.last))).scalar_one()
    return f"{series}{year}-{n:04d}"


def revision_number(base: str, revision: int) -> str:
    return base if revision == 0 else f"{base}-R{revision}"

