"""The notifications service: the kit's tables (outbox with its relay role, processed
events, idempotency keys), the users projection with each user's language, in-app notices
and preferences, the email log, and the event feed; every tenant table under FORCE'd RLS.

The mail worker and housekeeping work across tenants through SECURITY DEFINER functions
that return only ids (`mail_due`) or change only state (`mail_unconfirm`, `feed_expire`),
so the request role never reads another tenant's rows.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from crmkit.db import default_grants, enable_rls, grant_app_role
from crmkit.migrate import app_role
from crmkit.migrate import downgrade_outbox_roles as _outbox_down
from crmkit.migrate import upgrade_outbox_roles as _outbox_up
from crmkit.migrate import upgrade_relay_housekeeping as _relay_housekeeping
from crmkit.schema import create_idempotency_keys, kit_tables, notify_trigger_ddl
from crmkit.users import users_table_columns

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TENANT_TABLES = ["users", "notices", "preferences", "emails", "feed_events"]
NOTICES_CHANNEL = "tidtam_notices"
MAIL_CHANNEL = "tidtam_mail"
FUNCTIONS = ["mail_due(integer)", "mail_unconfirm(double precision)",
             "feed_expire(double precision, integer)"]


def _uuid(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False,
                     server_default=sa.func.now())


def upgrade() -> None:
    bind = op.get_bind()
    for table in kit_tables(sa.MetaData()):
        table.create(bind)
    for stmt in notify_trigger_ddl():
        op.execute(stmt)

    op.create_table("users", *users_table_columns(),
                    sa.Column("language", sa.Text, nullable=False, server_default="th"))
    op.create_table(
        "notices",
        _uuid("tenant_id"), _uuid("id"), _uuid("recipient_id"),
        sa.Column("kind", sa.Text, nullable=False),
        # One notice per (recipient, kind, group): an event's id, or what gathers several
        # events into one notice (a transfer).
        sa.Column("group_key", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("link", sa.Text, nullable=False),
        sa.Column("count", sa.Integer, nullable=False, server_default="1"),
        sa.Column("params", JSONB, nullable=False, server_default="{}"),
        _now("created_at"), _now("updated_at"),
        sa.Column("read_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "recipient_id", "kind", "group_key"),
    )
    op.create_index("ix_notices_recipient", "notices",
                    ["tenant_id", "recipient_id", sa.text("created_at DESC"), sa.text("id DESC")])
    op.create_index("ix_notices_unread", "notices", ["tenant_id", "recipient_id"],
                    postgresql_where=sa.text("read_at IS NULL"))
    op.create_table(
        "preferences",
        _uuid("tenant_id"), _uuid("user_id"),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("email", sa.Boolean, nullable=False),
        sa.Column("in_app", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "user_id", "kind"),
    )
    op.create_table(
        "emails",
        _uuid("tenant_id"), _uuid("id"), _uuid("recipient_id"),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("group_key", sa.Text, nullable=False),
        _uuid("event_id"),
        sa.Column("to_address", sa.Text, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("params", JSONB, nullable=False, server_default="{}"),
        sa.Column("count", sa.Integer, nullable=False, server_default="1"),
        sa.Column("subject", sa.Text),
        sa.Column("status", sa.Text, nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("last_error", sa.Text),
        _now("created_at"), _now("updated_at"),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed', "
                           "'unconfirmed')", name="status"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        # Exactly one email per event (or gathered group) and recipient.
        sa.UniqueConstraint("tenant_id", "recipient_id", "kind", "group_key"),
    )
    op.create_index("ix_emails_due", "emails", ["next_attempt_at"],
                    postgresql_where=sa.text("status = 'pending'"))
    op.create_index("ix_emails_sending", "emails", ["updated_at"],
                    postgresql_where=sa.text("status = 'sending'"))
    op.create_index("ix_emails_log", "emails",
                    ["tenant_id", sa.text("created_at DESC"), sa.text("id DESC")])
    op.create_table(
        "feed_events",
        _uuid("tenant_id"),
        sa.Column("seq", sa.BigInteger, sa.Identity(), nullable=False),
        _uuid("event_id"),
        sa.Column("type", sa.Text, nullable=False),
        _now("recorded_at"),
        sa.Column("event", JSONB, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "seq"),
        sa.UniqueConstraint("tenant_id", "event_id"),
    )
    op.create_index("ix_feed_events_recorded_at", "feed_events", ["recorded_at"])

    for table in TENANT_TABLES:
        for stmt in enable_rls(table):
            op.execute(stmt)
    for stmt in [*grant_app_role(app_role()), *default_grants(app_role())]:
        op.execute(stmt)
    create_idempotency_keys(bind, app_role())
    _outbox_up()
    _relay_housekeeping()

    # Every replica's stream hears of a new or changed notice ("<tenant>:<recipient>").
    op.execute(f"""CREATE FUNCTION notices_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('{NOTICES_CHANNEL}', NEW.tenant_id || ':' || NEW.recipient_id);
        RETURN NULL; END $$""")
    op.execute("CREATE TRIGGER notices_notify AFTER INSERT OR UPDATE ON notices "
               "FOR EACH ROW EXECUTE FUNCTION notices_notify()")
    op.execute(f"""CREATE FUNCTION mail_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('{MAIL_CHANNEL}', ''); RETURN NULL; END $$""")
    op.execute("CREATE TRIGGER mail_notify AFTER INSERT ON emails "
               "FOR EACH STATEMENT EXECUTE FUNCTION mail_notify()")
    # Across tenants, ids only: the worker then works on each email in its tenant's session.
    op.execute("""CREATE FUNCTION mail_due(p_limit integer)
        RETURNS TABLE (tenant_id uuid, id uuid) LANGUAGE sql STABLE SECURITY DEFINER
        SET search_path = public, pg_temp AS $$
            SELECT tenant_id, id FROM emails WHERE status = 'pending'
            AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT p_limit $$""")
    # An email left `sending` past the lease: its worker died mid-send. It may have gone
    # out, so it is never sent again (no second email); the log shows it `unconfirmed`.
    op.execute("""CREATE FUNCTION mail_unconfirm(p_seconds double precision)
        RETURNS integer LANGUAGE sql VOLATILE SECURITY DEFINER
        SET search_path = public, pg_temp AS $$
            WITH gone AS (UPDATE emails SET status = 'unconfirmed', updated_at = now(),
                last_error = 'the worker stopped while sending; not sent again, in case '
                             || 'it went out'
                WHERE status = 'sending'
                AND updated_at < now() - make_interval(secs => p_seconds) RETURNING 1)
            SELECT count(*)::integer FROM gone $$""")
    op.execute("""CREATE FUNCTION feed_expire(p_seconds double precision, p_batch integer)
        RETURNS integer LANGUAGE sql VOLATILE SECURITY DEFINER
        SET search_path = public, pg_temp AS $$
            WITH gone AS (DELETE FROM feed_events WHERE (tenant_id, seq) IN (
                SELECT tenant_id, seq FROM feed_events
                WHERE recorded_at < now() - make_interval(secs => p_seconds)
                ORDER BY recorded_at LIMIT p_batch) RETURNING 1)
            SELECT count(*)::integer FROM gone $$""")
    for fn in FUNCTIONS:
        op.execute(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {fn} TO {app_role()}")


def downgrade() -> None:
    for fn in FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {fn}")
    _outbox_down()
    for table in ["idempotency_keys", *reversed(TENANT_TABLES), "processed_events", "outbox"]:
        op.execute(f"DROP TABLE IF EXISTS {table}")
    op.execute("DROP FUNCTION IF EXISTS notices_notify()")
    op.execute("DROP FUNCTION IF EXISTS mail_notify()")
    op.execute("DROP FUNCTION IF EXISTS outbox_notify()")

