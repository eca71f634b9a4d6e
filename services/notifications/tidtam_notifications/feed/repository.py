"""Every SQL statement of the event feed's readers (the consumer writes it:
webhooks/repository.py).

The order is (xid, seq): the writing transaction's id, then the row's number. Events of
one tenant commit in parallel (no lock), so `seq` alone is not commit order: a row may
take a smaller `seq` and commit after a reader has passed a larger one. A reader therefore
sees only rows whose transaction is older than every transaction still running (below
`pg_snapshot_xmin` of its statement's snapshot): each of those has ended, and any row
written later carries a larger xid, so it sorts after everything read. The cost: a write
transaction open anywhere on the PostgreSQL server holds back what the feed shows (never
what it keeps) until it ends."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .models import FeedEvent, Xid8

# Every transaction below this one has ended (committed or rolled back).
_HORIZON = sa.func.pg_snapshot_xmin(sa.func.pg_current_snapshot(), type_=Xid8())


async def xid_of(session: AsyncSession, tenant: TenantId, seq: int) -> int:
    """The xid of the tenant's row `seq` (a cursor from before the xid was in it); 0 when
    it is gone or was recorded before the xid was kept."""
    xid = (await session.execute(sa.select(FeedEvent.xid).where(
        FeedEvent.tenant_id == tenant.value, FeedEvent.seq == seq))).scalar_one_or_none()
    return xid or 0


async def rows_after(session: AsyncSession, tenant: TenantId, *, xid: int, seq: int,
                     where: Sequence[sa.ColumnElement[bool]], limit: int
                     ) -> Sequence[sa.Row[Any]]:
    """Up to `limit` of the tenant's rows after (xid, seq), in that order, only those no
    transaction still running can precede."""
    after = sa.tuple_(FeedEvent.xid, FeedEvent.seq) > sa.tuple_(
        sa.literal(xid, Xid8()), sa.literal(seq, sa.BigInteger()))
    return (await session.execute(
        sa.select(FeedEvent.xid, FeedEvent.seq, FeedEvent.recorded_at, FeedEvent.event)
        .where(FeedEvent.tenant_id == tenant.value, after, FeedEvent.xid < _HORIZON, *where)
        .order_by(FeedEvent.xid, FeedEvent.seq).limit(limit))).all()


async def expire(session: AsyncSession, seconds: float, batch: int) -> int:
    """Delete up to `batch` rows older than `seconds` (across tenants: feed_expire)."""
    return int((await session.execute(sa.text("SELECT feed_expire(:secs, :batch)"),
                                      {"secs": seconds, "batch": batch})).scalar_one())
