"""Webhooks: endpoints (the URL, the event patterns, the signing secret and, for 24 hours
after a rotation, the previous one) and deliveries, the durable schedule the delivery
worker works from (one row per endpoint and event, its status, attempts, next attempt and
lease). Both under FORCE'd RLS.

The worker claims due rows across tenants through `webhook_claim`, a SECURITY DEFINER
function that only moves rows to `sending` (with a lease) and returns their ids; it then
reads and settles each in its tenant's session.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from crmkit.db import enable_rls
from crmkit.migrate import app_role

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CHANNEL = "tidtam_webhooks"
CLAIM = "webhook_claim(timestamp with time zone, integer, double precision, integer)"


def _uuid(name: str) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), nullable=False)


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False,
                     server_default=sa.func.now())


def upgrade() -> None:
    op.create_table(
        "webhook_endpoints",
        _uuid("tenant_id"), _uuid("id"),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("events", ARRAY(sa.Text), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("disabled_reason", sa.Text),
        sa.Column("secret", sa.Text, nullable=False),
        # After a rotation the previous secret signs too, until `previous_until`.
        sa.Column("previous_secret", sa.Text),
        sa.Column("previous_until", sa.DateTime(timezone=True)),
        _now("created_at"), _now("updated_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index("ix_webhook_endpoints_page", "webhook_endpoints",
                    ["tenant_id", sa.text("created_at DESC"), sa.text("id DESC")])
    op.create_table(
        "webhook_deliveries",
        _uuid("tenant_id"), _uuid("id"), _uuid("endpoint_id"),
        _uuid("event_id"),
        sa.Column("event_type", sa.Text, nullable=False),
        # The CloudEvent as sent, byte for byte on every attempt (it is what is signed).
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("lease_until", sa.DateTime(timezone=True)),
        sa.Column("response_code", sa.Integer),
        sa.Column("latency_ms", sa.Integer),
        sa.Column("last_error", sa.Text),
        _now("created_at"), _now("updated_at"),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('pending', 'sending', 'delivered', 'failed')",
                           name="status"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        # One delivery per endpoint and event: a redelivered event adds nothing.
        sa.UniqueConstraint("tenant_id", "endpoint_id", "event_id"),
        sa.ForeignKeyConstraint(["tenant_id", "endpoint_id"],
                                ["webhook_endpoints.tenant_id", "webhook_endpoints.id"],
                                ondelete="CASCADE"),
    )
    op.create_index("ix_webhook_deliveries_due", "webhook_deliveries", ["next_attempt_at"],
                    postgresql_where=sa.text("status = 'pending'"))
    op.create_index("ix_webhook_deliveries_sending", "webhook_deliveries",
                    ["endpoint_id", "lease_until"], postgresql_where=sa.text("status = 'sending'"))
    op.create_index("ix_webhook_deliveries_log", "webhook_deliveries",
                    ["tenant_id", "endpoint_id", sa.text("created_at DESC"), sa.text("id DESC")])
    for table in ("webhook_endpoints", "webhook_deliveries"):
        for stmt in enable_rls(table):  # the app role's grants: 0001's default privileges
            op.execute(stmt)

    op.execute(f"""CREATE FUNCTION webhook_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$""")
    # Per row, not per statement: the fan-out's INSERT runs for every event consumed and
    # mostly inserts nothing, which must not NOTIFY (nor wake the worker). Notifications of
    # one transaction with the same payload are folded into one.
    op.execute("CREATE TRIGGER webhook_notify AFTER INSERT OR UPDATE OF next_attempt_at "
               "ON webhook_deliveries FOR EACH ROW EXECUTE FUNCTION webhook_notify()")
    # Due rows (pending and due, or `sending` past their lease: a worker died) of enabled
    # endpoints (a test goes to a disabled one too), oldest first, skipping rows another
    # worker holds and endpoints with `p_cap` deliveries in flight already; at most `p_cap`
    # per endpoint in one claim. `p_now` is the worker's clock (tests move it).
    op.execute("""CREATE FUNCTION webhook_claim(p_now timestamptz, p_limit integer,
            p_lease double precision, p_cap integer)
        RETURNS TABLE (tenant_id uuid, id uuid) LANGUAGE sql VOLATILE SECURITY DEFINER
        SET search_path = public, pg_temp AS $$
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
            ORDER BY due.next_attempt_at LIMIT p_limit)
        UPDATE webhook_deliveries w SET status = 'sending', attempts = w.attempts + 1,
            lease_until = p_now + make_interval(secs => p_lease), updated_at = now()
        FROM chosen WHERE w.tenant_id = chosen.tenant_id AND w.id = chosen.id
        RETURNING w.tenant_id, w.id $$""")
    op.execute(f"REVOKE ALL ON FUNCTION {CLAIM} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {CLAIM} TO {app_role()}")


def downgrade() -> None:
    op.execute(f"DROP FUNCTION IF EXISTS {CLAIM}")
    op.execute("DROP TABLE IF EXISTS webhook_deliveries")
    op.execute("DROP TABLE IF EXISTS webhook_endpoints")
    op.execute("DROP FUNCTION IF EXISTS webhook_notify()")
