"""Webhooks: the worker's claim returns what sending needs (the delivery's body and
attempt, the endpoint's URL and secrets), and `webhook_settle` records an attempt's
outcome, each in one statement outside a transaction: a delivery costs two round trips to
the database, not nine (claim; read; settle, each with its BEGIN and COMMIT).

Both are SECURITY DEFINER, as `webhook_claim` was: the claim only returns rows it has just
moved to `sending` (to read a row through it is to send it), and `webhook_settle` only
changes a row still `sending` with the attempt number the claim gave. Giving up (disabling
the endpoint, telling the admins) still happens in the tenant's own transaction.

Revision ID: 0003
"""

from alembic import op

from crmkit.migrate import app_role

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CLAIM = "webhook_claim(timestamp with time zone, integer, double precision, integer)"
SETTLE = ("webhook_settle(uuid, uuid, integer, text, timestamp with time zone, integer, "
          "integer, text, timestamp with time zone)")

# Due rows (pending and due, or `sending` past their lease: a worker died) of enabled
# endpoints (a test goes to a disabled one too), oldest first, skipping rows another
# worker holds and endpoints with `p_cap` deliveries in flight already; at most `p_cap`
# per endpoint in one claim. `p_now` is the worker's clock (tests move it).
_CHOOSE = """
        WITH busy AS (
            SELECT b.endpoint_id, count(*) AS n FROM webhook_deliveries b
            WHERE b.status = 'sending' AND b.lease_until > p_now GROUP BY b.endpoint_id),
        due AS (
            SELECT d.tenant_id, d.id, d.endpoint_id, d.next_attempt_at
            FROM webhook_deliveries d JOIN webhook_endpoints e
              ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
            WHERE ((d.status = 'pending' AND d.next_attempt_at <= p_now)
                   OR (d.status = 'sending' AND d.lease_until <= p_now))
              AND (e.enabled OR d.event_type = 'webhook.test')
              AND d.endpoint_id NOT IN (SELECT endpoint_id FROM busy WHERE n >= p_cap)
            ORDER BY d.next_attempt_at LIMIT p_limit * 4
            FOR UPDATE OF d SKIP LOCKED),
        chosen AS (
            SELECT due.tenant_id, due.id FROM (
                SELECT due.*, row_number() OVER (PARTITION BY due.endpoint_id
                                                 ORDER BY due.next_attempt_at) AS rn
                FROM due) due LEFT JOIN busy ON busy.endpoint_id = due.endpoint_id
            WHERE due.rn + coalesce(busy.n, 0) <= p_cap
            ORDER BY due.next_attempt_at LIMIT p_limit)"""
_HEAD = """CREATE FUNCTION webhook_claim(p_now timestamptz, p_limit integer,
            p_lease double precision, p_cap integer)"""


def claim_sql() -> str:
    """This revision's `webhook_claim` (0005 puts it back on downgrade; bench/webhook_claim.py
    compares it with 0005's)."""
    return f"""{_HEAD}
        RETURNS TABLE (tenant_id uuid, id uuid, endpoint_id uuid, event_id uuid,
                       event_type text, body text, attempts integer, url text, secret text,
                       previous_secret text, previous_until timestamptz)
        LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        {_CHOOSE}
        UPDATE webhook_deliveries w SET status = 'sending', attempts = w.attempts + 1,
            lease_until = p_now + make_interval(secs => p_lease), updated_at = now()
        FROM chosen, webhook_endpoints e
        WHERE w.tenant_id = chosen.tenant_id AND w.id = chosen.id
          AND e.tenant_id = w.tenant_id AND e.id = w.endpoint_id
        RETURNING w.tenant_id, w.id, w.endpoint_id, w.event_id, w.event_type, w.body,
                  w.attempts, e.url, e.secret, e.previous_secret, e.previous_until $$"""


def upgrade() -> None:
    op.execute(f"DROP FUNCTION {CLAIM}")
    op.execute(claim_sql())
    # The schedule's next attempt is set only when there is one: an UPDATE OF
    # next_attempt_at NOTIFYs the worker (0002's trigger), which a settled row must not.
    op.execute("""CREATE FUNCTION webhook_settle(p_tenant uuid, p_id uuid, p_attempts integer,
            p_status text, p_next timestamptz, p_code integer, p_latency integer,
            p_error text, p_delivered timestamptz) RETURNS boolean
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        BEGIN
            IF p_next IS NULL THEN
                UPDATE webhook_deliveries SET status = p_status, response_code = p_code,
                    latency_ms = p_latency, last_error = p_error, lease_until = NULL,
                    delivered_at = p_delivered,
                    updated_at = now()
                WHERE tenant_id = p_tenant AND id = p_id AND status = 'sending'
                  AND attempts = p_attempts;
            ELSE
                UPDATE webhook_deliveries SET status = p_status, response_code = p_code,
                    latency_ms = p_latency, last_error = p_error, lease_until = NULL,
                    next_attempt_at = p_next, updated_at = now()
                WHERE tenant_id = p_tenant AND id = p_id AND status = 'sending'
                  AND attempts = p_attempts;
            END IF;
            RETURN FOUND;
        END $$""")
    for fn in (CLAIM, SETTLE):
        op.execute(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {fn} TO {app_role()}")


def downgrade() -> None:
    op.execute(f"DROP FUNCTION IF EXISTS {SETTLE}")
    op.execute(f"DROP FUNCTION {CLAIM}")
    op.execute(f"""{_HEAD}
        RETURNS TABLE (tenant_id uuid, id uuid) LANGUAGE sql VOLATILE SECURITY DEFINER
        SET search_path = public, pg_temp AS $$
        {_CHOOSE}
        UPDATE webhook_deliveries w SET status = 'sending', attempts = w.attempts + 1,
            lease_until = p_now + make_interval(secs => p_lease), updated_at = now()
        FROM chosen WHERE w.tenant_id = chosen.tenant_id AND w.id = chosen.id
        RETURNING w.tenant_id, w.id $$""")
    op.execute(f"REVOKE ALL ON FUNCTION {CLAIM} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {CLAIM} TO {app_role()}")
