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
it back (a slow report elsewhere would stall every tenant's feed otherwise). A running
xid's backend is the one holding the xid's own lock in `pg_locks`, and that backend's
database is its `pg_stat_activity.datid`: both readable by any role (unlike another role's
`backend_xid`). `pg_stat_activity` is read first (the lock CTE waits on it), then
`pg_locks`: an xid of the snapshot still held by a pid when `pg_locks` is read was held by
it throughout, so the pid's database read before is that transaction's. An xid whose
database is not known so (a prepared transaction) counts as this database's: it holds the
feed back, it never makes a row skipped. The xids are those of the statement's own
snapshot, so a transaction that ends while the statement runs is still counted: its rows,
invisible to the snapshot, are not passed over. (pg_stat_activity is read once per
transaction: a feed read is the first use in its own.)"""

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
    backends AS MATERIALIZED (SELECT pid, datid FROM pg_stat_activity),
    locks AS MATERIALIZED (SELECT transactionid, pid FROM pg_locks
                           WHERE locktype = 'transactionid' AND mode = 'ExclusiveLock'
                             AND granted AND (SELECT count(*) FROM backends) >= 0),
    elsewhere AS (SELECT l.transactionid FROM locks l JOIN backends b ON b.pid = l.pid
                  WHERE b.datid <> (SELECT oid FROM pg_database
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
