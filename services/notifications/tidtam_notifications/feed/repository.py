"""Every SQL statement of the event feed's readers (the consumer writes it:
webhooks/repository.py).

The order is (xid, seq): the writing transaction's id, then the row's number. Events of
one tenant commit in parallel (no lock), so `seq` alone is not commit order: a row may
take a smaller `seq` and commit after a reader has passed a larger one. A reader therefore
sees only rows whose transaction is older than every transaction of THIS database still
running at its statement's snapshot (`_HORIZON`): each of those has ended, and any row
written later carries a larger xid, so it sorts after everything read. The cost: a write
transaction open in this database holds back what the feed shows (never what it keeps)
until it ends.

Transactions of other databases on the server cannot write the feed, so they do not hold
it back (a slow report elsewhere would stall every tenant's feed otherwise). Which database
a running xid belongs to is read from `pg_locks` (readable by any role, unlike another
role's `pg_stat_activity.backend_xid`), in one call: the backend holding the xid's own lock
also holds a lock on a relation of its database (any write takes one). An xid whose
database is not known so (a prepared transaction, one that only took an xid) counts as
this database's: it holds the feed back, it never makes a row skipped. The xids are those
of the statement's own snapshot, so a transaction that ends while the statement runs is
still counted: its rows, invisible to the snapshot, are not passed over."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .models import FeedEvent, Xid8

# Every transaction of this database below this one had ended at the statement's snapshot
# (committed or rolled back): the least running xid not known to be another database's,
# else the snapshot's xmax.
_HORIZON = sa.literal_column("""(
    WITH snap AS MATERIALIZED (SELECT pg_current_snapshot() AS s),
    locks AS MATERIALIZED (SELECT locktype, transactionid, pid, mode, granted, database
                           FROM pg_locks),
    elsewhere AS (SELECT own.transactionid FROM locks own JOIN locks rel ON rel.pid = own.pid
                  WHERE own.locktype = 'transactionid' AND own.mode = 'ExclusiveLock'
                    AND own.granted AND rel.database <> 0
                    AND rel.database <> (SELECT oid FROM pg_database
                                         WHERE datname = current_database()))
    SELECT least(pg_snapshot_xmax(snap.s), (
        SELECT min(x) FROM pg_snapshot_xip(snap.s) AS x
        WHERE NOT EXISTS (SELECT 1 FROM elsewhere e WHERE e.transactionid = x::xid)))
    FROM snap)""", type_=Xid8())


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
