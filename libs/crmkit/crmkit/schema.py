"""The kit's own tables, which every service's first migration creates.

`outbox`: events staged in the same transaction as the change they describe; the relay
publishes and marks them sent. `processed_events`: `(consumer, event_id)` recorded in the
same transaction as a consumer's effect, so a redelivered event is skipped.
Neither is tenant data read by requests, so neither is under RLS (the relay and consumers
work across tenants); the `tenant_id` in them is informational.

`idempotency_keys` (crmkit.idempotency): the first answer to each `Idempotency-Key`, kept 24
hours. It is tenant data (it holds response bodies), so it is under RLS; created by a later
migration of each service (`idempotency_table` and `idempotency_ddl`), not by `kit_tables`,
whose tables every service's first migration already made.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import BYTEA, JSONB, UUID

from .db import TENANT_SETTING, new_metadata

OUTBOX_CHANNEL = "tidtam_outbox"
# The tenant_id of the operator's keys (tenant creation, before any tenant exists): the
# policy shows them to a session with no tenant set, which is what the operator's are.
OPERATOR_SCOPE = "00000000-0000-0000-0000-000000000000"
EXPIRE_FUNCTION = "idempotency_expire"


def kit_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    outbox = sa.Table(
        "outbox", metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
    )
    sa.Index("ix_outbox_unsent", outbox.c.id, postgresql_where=outbox.c.sent_at.is_(None))
    processed = sa.Table(
        "processed_events", metadata,
        sa.Column("consumer", sa.Text, primary_key=True),
        sa.Column("event_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
    )
    return outbox, processed


def notify_trigger_ddl() -> list[str]:
    """A NOTIFY on commit of every outbox insert wakes the relay at once."""
    return [
        f"""CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('{OUTBOX_CHANNEL}', ''); RETURN NULL; END $$""",
        """CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
        FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()""",
    ]


def idempotency_table(metadata: sa.MetaData) -> sa.Table:
    """One row per (tenant, key): who sent it to which method and path with which body
    (`fingerprint`), and the answer exactly as sent. `status` is NULL only inside the
    transaction that claimed the key; the same transaction fills it before it commits."""
    table = sa.Table(
        "idempotency_keys", metadata,
        sa.Column("tenant_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("caller", sa.Text, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("fingerprint", BYTEA, nullable=False),
        sa.Column("status", sa.SmallInteger),
        sa.Column("content_type", sa.Text),
        sa.Column("body", BYTEA),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
    )
    sa.Index("ix_idempotency_keys_created_at", table.c.created_at)
    return table


def idempotency_ddl(app_role: str) -> list[str]:
    """RLS on `idempotency_keys` (a tenant sees its own keys; a session with no tenant, the
    operator's), and the expiry function housekeeping calls: SECURITY DEFINER (the
    migration owner, a superuser), because under RLS the application role sees no tenant's
    rows without a tenant set, and housekeeping works across tenants."""
    scope = (f"COALESCE(NULLIF(current_setting('{TENANT_SETTING}', true), '')::uuid, "
             f"'{OPERATOR_SCOPE}'::uuid)")
    return [
        "ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY tenant_isolation ON idempotency_keys USING (tenant_id = {scope}) "
        f"WITH CHECK (tenant_id = {scope})",
        f"GRANT SELECT, INSERT, UPDATE ON idempotency_keys TO {app_role}",
        f"""CREATE FUNCTION {EXPIRE_FUNCTION}(p_seconds double precision, p_batch integer)
        RETURNS integer LANGUAGE sql VOLATILE SECURITY DEFINER
        SET search_path = public, pg_temp AS $$
            WITH gone AS (
                DELETE FROM idempotency_keys WHERE (tenant_id, key) IN (
                    SELECT tenant_id, key FROM idempotency_keys
                    WHERE created_at < now() - make_interval(secs => p_seconds)
                    ORDER BY created_at LIMIT p_batch)
                RETURNING 1)
            SELECT count(*)::integer FROM gone
        $$""",
        f"REVOKE ALL ON FUNCTION {EXPIRE_FUNCTION}(double precision, integer) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION {EXPIRE_FUNCTION}(double precision, integer) "
        f"TO {app_role}",
    ]


def create_idempotency_keys(bind: sa.Connection, app_role: str) -> None:
    """The body of each service's migration that adds the table."""
    idempotency_table(new_metadata()).create(bind)
    for stmt in idempotency_ddl(app_role):
        bind.execute(sa.text(stmt))


def drop_idempotency_keys(bind: sa.Connection) -> None:
    bind.execute(sa.text(f"DROP FUNCTION IF EXISTS {EXPIRE_FUNCTION}(double precision, "
                         "integer)"))
    bind.execute(sa.text("DROP TABLE IF EXISTS idempotency_keys"))
