"""The event feed keeps its order without a lock: each row is stamped with the id of the
transaction that wrote it (`xid`, `pg_current_xact_id()`), and readers take rows in
(xid, seq) order only below the oldest transaction still running
(`pg_snapshot_xmin(pg_current_snapshot())`). No row can appear there later, so a reader
past a position never finds an earlier one committed afterwards, and the consumer no
longer serialises a tenant's events on a feed lock held until its commit.

Rows recorded before this migration keep `xid` 0: they were written under the lock, so
their `seq` order is their commit order, and they all come before any newer row.

`webhook_claim` is made cheap under a backlog: it ran for every wake-up of the worker
(several per delivery) and cost time in proportion to the rows due, and to the rows
delivered since the last vacuum. As an SQL function it was planned at every call; its
bitmap scans read every due row, and every index entry of a row that had been due (bitmap
scans never mark dead index entries, so they piled up until autovacuum came); and it
locked up to four times `p_limit` rows to use a few. Now it is PL/pgSQL (the plan is
kept), with plain index scans in `next_attempt_at` order that stop at the limit and mark
what they find dead, and it locks only the rows it has chosen (SKIP LOCKED, the row
checked again once locked), so two workers choosing the same rows share them out.

Revision ID: 0005
"""

import importlib.util
from pathlib import Path

from alembic import op

from crmkit.migrate import app_role

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CLAIM = "webhook_claim(timestamp with time zone, integer, double precision, integer)"
# Rows due (pending, or `sending` past the lease of a worker that died) of endpoints that
# take them (enabled, or a test), not of an endpoint with `p_cap` in flight, oldest
# first; of those at most `p_cap` per endpoint with what it has in flight; then locked.
CLAIM_SQL = """CREATE FUNCTION webhook_claim(p_now timestamptz, p_limit integer,
                                       p_lease double precision, p_cap integer)
    RETURNS TABLE (tenant_id uuid, id uuid, endpoint_id uuid, event_id uuid,
                   event_type text, body text, attempts integer, url text, secret text,
                   previous_secret text, previous_until timestamptz)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = public, pg_temp SET enable_bitmapscan = off AS $$
    #variable_conflict use_column
    BEGIN
    RETURN QUERY
    WITH busy AS (
        SELECT b.endpoint_id, count(*) AS n FROM webhook_deliveries b
        WHERE b.status = 'sending' AND b.lease_until > p_now GROUP BY b.endpoint_id),
    due AS (
        SELECT d.tenant_id, d.id, d.endpoint_id, d.next_attempt_at
        FROM webhook_deliveries d JOIN webhook_endpoints e
          ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= p_now
          AND (e.enabled OR d.event_type = 'webhook.test')
          AND d.endpoint_id NOT IN (SELECT endpoint_id FROM busy WHERE n >= p_cap)
        ORDER BY d.next_attempt_at LIMIT p_limit * 4),
    stale AS (
        SELECT d.tenant_id, d.id, d.endpoint_id, d.next_attempt_at
        FROM webhook_deliveries d JOIN webhook_endpoints e
          ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
        WHERE d.status = 'sending' AND d.lease_until <= p_now
          AND (e.enabled OR d.event_type = 'webhook.test')
          AND d.endpoint_id NOT IN (SELECT endpoint_id FROM busy WHERE n >= p_cap)
        ORDER BY d.lease_until LIMIT p_limit),
    chosen AS (
        SELECT c.tenant_id, c.id FROM (
            SELECT c.*, row_number() OVER (PARTITION BY c.endpoint_id
                                           ORDER BY c.next_attempt_at) AS rn
            FROM (SELECT * FROM due UNION ALL SELECT * FROM stale) c) c
        LEFT JOIN busy ON busy.endpoint_id = c.endpoint_id
        WHERE c.rn + coalesce(busy.n, 0) <= p_cap
        ORDER BY c.next_attempt_at LIMIT p_limit),
    locked AS (
        SELECT d.tenant_id, d.id FROM webhook_deliveries d
        JOIN chosen ON chosen.tenant_id = d.tenant_id AND chosen.id = d.id
        WHERE (d.status = 'pending' AND d.next_attempt_at <= p_now)
           OR (d.status = 'sending' AND d.lease_until <= p_now)
        FOR UPDATE OF d SKIP LOCKED)
    UPDATE webhook_deliveries w SET status = 'sending', attempts = w.attempts + 1,
        lease_until = p_now + make_interval(secs => p_lease), updated_at = now()
    FROM locked, webhook_endpoints e
    WHERE w.tenant_id = locked.tenant_id AND w.id = locked.id
      AND e.tenant_id = w.tenant_id AND e.id = w.endpoint_id
    RETURNING w.tenant_id, w.id, w.endpoint_id, w.event_id, w.event_type, w.body,
              w.attempts, e.url, e.secret, e.previous_secret, e.previous_until;
    END $$"""


def _grant_claim() -> None:
    op.execute(f"REVOKE ALL ON FUNCTION {CLAIM} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {CLAIM} TO {app_role()}")


def upgrade() -> None:
    # A constant default first (no rewrite of the table: the old rows read 0), then the
    # transaction id for every row written from now on.
    op.execute("ALTER TABLE feed_events ADD COLUMN xid xid8 NOT NULL DEFAULT '0'")
    op.execute("ALTER TABLE feed_events ALTER COLUMN xid SET DEFAULT pg_current_xact_id()")
    op.create_index("ix_feed_events_order", "feed_events", ["tenant_id", "xid", "seq"])
    op.execute(f"DROP FUNCTION {CLAIM}")
    op.execute(CLAIM_SQL)
    _grant_claim()


def downgrade() -> None:
    spec = importlib.util.spec_from_file_location(
        "notifications_0003", Path(__file__).with_name("0003_webhook_claim_rows.py"))
    assert spec is not None and spec.loader is not None
    rev_0003 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rev_0003)
    op.execute(f"DROP FUNCTION {CLAIM}")
    op.execute(rev_0003.claim_sql())
    _grant_claim()
    op.drop_index("ix_feed_events_order", "feed_events")
    op.execute("ALTER TABLE feed_events DROP COLUMN xid")
