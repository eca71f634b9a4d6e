"""The activities service: the kit's tables (outbox with its relay role, processed events,
idempotency keys), the users projection, what it knows of leads and accounts (owners, an
account's location, a lead's next contact), activities with their reminder schedule, and
check-ins; every tenant table under FORCE'd RLS.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

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

TENANT_TABLES = ["tenant_settings", "agenda_runs", "users", "lead_records", "account_records",
                 "anniversaries", "calendar_feeds", "activities", "activity_reminders", "checkins"]

REMINDERS_CHANNEL = "tidtam_reminders"
FUNCTIONS = ["reminders_fire(integer, double precision)", "reminders_next()",
             "agenda_tenants()"]


def _uuid(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _time(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False,
                     server_default=sa.func.now())


def upgrade() -> None:
    bind = op.get_bind()
    for table in kit_tables(sa.MetaData()):
        table.create(bind)
    for stmt in notify_trigger_ddl():
        op.execute(stmt)

    op.create_table("users", *users_table_columns())
    # The tenant's calendar settings from tenant.settings_changed (defaults until one comes).
    op.create_table(
        "tenant_settings",
        _uuid("tenant_id"),
        sa.Column("time_zone", sa.Text, nullable=False),
        sa.Column("agenda_time", sa.Time, nullable=False),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id"),
    )
    # The local days whose agendas a tenant's users were sent (one transaction each).
    op.create_table(
        "agenda_runs",
        _uuid("tenant_id"), sa.Column("day", sa.Date, nullable=False),
        sa.Column("users", sa.Integer, nullable=False), _now("sent_at"),
        sa.PrimaryKeyConstraint("tenant_id", "day"),
    )
    op.create_table(
        "lead_records",
        _uuid("tenant_id"), _uuid("id"), _uuid("owner_id"),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("sent_by", ARRAY(UUID(as_uuid=True)), nullable=False, server_default="{}"),
        _time("next_contact_at"),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index("ix_lead_records_next_contact", "lead_records",
                    ["tenant_id", "owner_id", "next_contact_at"],
                    postgresql_where=sa.text("next_contact_at IS NOT NULL"))
    op.create_table(
        "account_records",
        _uuid("tenant_id"), _uuid("id"), _uuid("owner_id"),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("lat", sa.Float), sa.Column("lon", sa.Float),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    # Yearly dates of accounts (founding, birthdays, ...) and contacts (birthdays), from
    # account.* and contact.*: `source_id` is the account or contact they came from.
    op.create_table(
        "anniversaries",
        _uuid("tenant_id"), _uuid("source_id"), sa.Column("position", sa.Integer, nullable=False),
        _uuid("account_id"), _uuid("contact_id", True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("month", sa.SmallInteger, sa.Computed("extract(month FROM date)::smallint",
                                                        persisted=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "source_id", "position"),
    )
    op.create_index("ix_anniversaries_month", "anniversaries", ["tenant_id", "month"])
    op.create_table(
        "calendar_feeds",
        _uuid("tenant_id"), _uuid("user_id"),
        sa.Column("token_hash", sa.LargeBinary, nullable=False),
        _now("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "user_id"),
        sa.UniqueConstraint("tenant_id", "token_hash"),
    )
    op.create_table(
        "activities",
        _uuid("tenant_id"), _uuid("id"),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        _uuid("lead_id", True), _uuid("account_id", True), _uuid("contact_id", True),
        _uuid("owner_id"),
        _time("starts_at"), _time("ends_at"), _time("due_at"),
        sa.Column("all_day", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("place", JSONB),
        sa.Column("reminders", ARRAY(sa.Integer), nullable=False, server_default="{}"),
        sa.Column("status", sa.Text, nullable=False, server_default="planned"),
        sa.Column("result", sa.Text),
        _uuid("created_by"),
        sa.Column("version", sa.BigInteger, nullable=False, server_default="1"),
        _now("created_at"), _now("updated_at"),
        sa.Column("at", sa.DateTime(timezone=True),
                  sa.Computed("COALESCE(starts_at, due_at, created_at)", persisted=True),
                  nullable=False),
        sa.CheckConstraint("kind IN ('task', 'meeting', 'call', 'email')", name="kind"),
        sa.CheckConstraint("status IN ('planned', 'done', 'cancelled')", name="status"),
        sa.CheckConstraint("kind <> 'meeting' OR (starts_at IS NOT NULL AND ends_at IS NOT NULL "
                           "AND starts_at < ends_at)", name="meeting_times"),
        sa.CheckConstraint("kind NOT IN ('task', 'call') OR due_at IS NOT NULL", name="due"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index("ix_activities_owner_at", "activities", ["tenant_id", "owner_id", "at", "id"])
    op.create_index("ix_activities_at", "activities", ["tenant_id", "at", "id"])
    op.create_index("ix_activities_lead", "activities", ["tenant_id", "lead_id"],
                    postgresql_where=sa.text("lead_id IS NOT NULL"))
    op.create_index("ix_activities_account", "activities", ["tenant_id", "account_id"],
                    postgresql_where=sa.text("account_id IS NOT NULL"))
    op.create_table(
        "activity_reminders",
        _uuid("tenant_id"), _uuid("activity_id"),
        sa.Column("minutes", sa.Integer, nullable=False),
        _time("fire_at", nullable=False), _time("fired_at"),
        sa.Column("late", sa.Boolean),
        sa.PrimaryKeyConstraint("tenant_id", "activity_id", "minutes"),
        sa.ForeignKeyConstraint(["tenant_id", "activity_id"],
                                ["activities.tenant_id", "activities.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_activity_reminders_due", "activity_reminders", ["fire_at"],
                    postgresql_where=sa.text("fired_at IS NULL"))
    op.create_table(
        "checkins",
        _uuid("tenant_id"), _uuid("id"), _uuid("user_id"),
        _uuid("account_id", True), _uuid("activity_id", True),
        sa.Column("place_name", sa.Text),
        sa.Column("place_lat", sa.Float, nullable=False),
        sa.Column("place_lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False), sa.Column("lon", sa.Float, nullable=False),
        sa.Column("accuracy_m", sa.Float, nullable=False),
        _time("taken_at", nullable=False),
        sa.Column("distance_m", sa.Float, nullable=False),
        sa.Column("note", sa.Text),
        _now("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index("ix_checkins_user", "checkins",
                    ["tenant_id", "user_id", sa.text("created_at DESC"), sa.text("id DESC")])
    op.create_index("ix_checkins_account", "checkins",
                    ["tenant_id", "account_id", sa.text("created_at DESC"), sa.text("id DESC")],
                    postgresql_where=sa.text("account_id IS NOT NULL"))

    for table in TENANT_TABLES:
        for stmt in enable_rls(table):
            op.execute(stmt)
    for stmt in [*grant_app_role(app_role()), *default_grants(app_role())]:
        op.execute(stmt)
    create_idempotency_keys(bind, app_role())
    _outbox_up()
    _relay_housekeeping()

    # The reminder worker, across tenants: claims due reminders (SKIP LOCKED: workers share
    # them), marks them fired and returns each with its activity. The caller stages the
    # events in the same transaction, so a crash before its commit fires nothing (the rows
    # are due again) and after it, everything: once.
    op.execute("""CREATE FUNCTION reminders_fire(p_limit integer, p_late_seconds double precision)
        RETURNS TABLE (tenant_id uuid, minutes integer, fire_at timestamptz, late boolean,
                       activity jsonb)
        LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
            WITH due AS (
                SELECT r.tenant_id, r.activity_id, r.minutes FROM activity_reminders r
                WHERE r.fired_at IS NULL AND r.fire_at <= now()
                ORDER BY r.fire_at LIMIT p_limit FOR UPDATE SKIP LOCKED),
            fired AS (
                UPDATE activity_reminders r SET fired_at = now(),
                    late = r.fire_at < now() - make_interval(secs => p_late_seconds)
                FROM due WHERE (r.tenant_id, r.activity_id, r.minutes)
                             = (due.tenant_id, due.activity_id, due.minutes)
                RETURNING r.tenant_id, r.activity_id, r.minutes, r.fire_at, r.late)
            SELECT f.tenant_id, f.minutes, f.fire_at, f.late, to_jsonb(a) - 'tenant_id' - 'at'
            FROM fired f JOIN activities a
              ON (a.tenant_id, a.id) = (f.tenant_id, f.activity_id) $$""")
    # Every tenant with users, and its calendar settings (defaults where none came yet).
    op.execute("""CREATE FUNCTION agenda_tenants()
        RETURNS TABLE (tenant_id uuid, time_zone text, agenda_time time)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
            SELECT t.tenant_id, coalesce(s.time_zone, 'Asia/Bangkok'),
                   coalesce(s.agenda_time, '07:00')
            FROM (SELECT DISTINCT tenant_id FROM users WHERE active) t
            LEFT JOIN tenant_settings s ON s.tenant_id = t.tenant_id $$""")
    # When the next reminder is due (the worker sleeps until then, or until woken).
    op.execute("""CREATE FUNCTION reminders_next() RETURNS timestamptz
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
            SELECT min(fire_at) FROM activity_reminders WHERE fired_at IS NULL $$""")
    op.execute(f"""CREATE FUNCTION reminders_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('{REMINDERS_CHANNEL}', ''); RETURN NULL; END $$""")
    op.execute("CREATE TRIGGER reminders_notify AFTER INSERT OR UPDATE OF fire_at "
               "ON activity_reminders FOR EACH STATEMENT EXECUTE FUNCTION reminders_notify()")
    for fn in FUNCTIONS:
        op.execute(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {fn} TO {app_role()}")


def downgrade() -> None:
    for fn in FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {fn}")
    _outbox_down()
    for table in ["idempotency_keys", *reversed(TENANT_TABLES), "processed_events", "outbox"]:
        op.execute(f"DROP TABLE IF EXISTS {table}")
    op.execute("DROP FUNCTION IF EXISTS outbox_notify()")
    op.execute("DROP FUNCTION IF EXISTS reminders_notify()")
