"""Leads, history, pipelines, labels, catalog, users projection and the kit tables.

Every tenant table: tenant_id first in the primary key, in every unique and foreign key,
FORCE'd row-level security, and grants (not ownership) for the application role.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from crmkit.db import default_grants, enable_rls, grant_app_role
from crmkit.migrate import app_role
from crmkit.schema import kit_tables, notify_trigger_ddl

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TENANT_TABLES = ["users", "sources", "reasons", "pipelines", "stages", "labels", "leads",
                 "lead_labels", "lead_history"]
SEARCH_EXPR = (
    "lower(name || ' ' || phone || ' ' || regexp_replace(phone, '^\\+66', '0') || ' ' "
    "|| email || ' ' || coalesce(company, ''))"
)


def _uuid(name: str, **kw) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), nullable=kw.pop("nullable", False), **kw)


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False,
                     server_default=sa.func.now())


def _tenant_fk(cols: list[str], table: str, refcols: list[str], **kw):
    return sa.ForeignKeyConstraint(["tenant_id", *cols], [f"{table}.tenant_id"] +
                                   [f"{table}.{c}" for c in refcols], **kw)


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # The kit's outbox and processed_events, exactly as crmkit.schema defines them.
    kit = sa.MetaData()
    for table in kit_tables(kit):
        table.create(op.get_bind())
    for stmt in notify_trigger_ddl():
        op.execute(stmt)

    op.create_table(
        "users",
        _uuid("tenant_id"), _uuid("id"),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        _uuid("team_id", nullable=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("sequence", sa.BigInteger, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_table(
        "sources",
        _uuid("tenant_id"),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("tenant_id", "key"),
    )
    op.create_table(
        "reasons",
        _uuid("tenant_id"), _uuid("id"),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "kind", "text"),
        sa.CheckConstraint("kind IN ('lost', 'junk')", name="kind"),
    )
    op.create_table(
        "pipelines",
        _uuid("tenant_id"), _uuid("id"),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_en", sa.Text),
        sa.Column("is_standard", sa.Boolean, nullable=False, server_default=sa.false()),
        _now("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    # One standard pipeline per tenant, whatever races the defaults.
    op.create_index("uq_pipelines_standard", "pipelines", ["tenant_id"], unique=True,
                    postgresql_where=sa.text("is_standard"))
    op.create_table(
        "stages",
        _uuid("tenant_id"), _uuid("id"), _uuid("pipeline_id"),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_en", sa.Text),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "pipeline_id", "position"),
        _tenant_fk(["pipeline_id"], "pipelines", ["id"]),
    )
    op.create_table(
        "labels",
        _uuid("tenant_id"), _uuid("id"),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("color", sa.Text),
        sa.Column("scope", sa.Text, nullable=False),
        _uuid("created_by"),
        _now("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.CheckConstraint("scope IN ('system', 'personal')", name="scope"),
    )
    op.execute("CREATE UNIQUE INDEX uq_labels_system_name ON labels (tenant_id, lower(name)) "
               "WHERE scope = 'system'")
    op.execute("CREATE UNIQUE INDEX uq_labels_personal_name ON labels "
               "(tenant_id, created_by, lower(name)) WHERE scope = 'personal'")
    op.create_table(
        "leads",
        _uuid("tenant_id"), _uuid("id"),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("phone", sa.Text, nullable=False),
        sa.Column("phone_ext", sa.Text),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("company", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("source", sa.Text, nullable=False),
        _uuid("owner_id"),
        sa.Column("status", sa.Text, nullable=False, server_default="inbox"),
        sa.Column("status_reason", sa.Text),
        sa.Column("sent_by", ARRAY(UUID(as_uuid=True)), nullable=False,
                  server_default=sa.text("'{}'::uuid[]")),
        _uuid("pipeline_id"), _uuid("stage_id"),
        sa.Column("potential", sa.Numeric(14, 2)),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        _now("created_at"), _now("updated_at"),
        sa.Column("search", sa.Text, sa.Computed(SEARCH_EXPR, persisted=True)),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.CheckConstraint("status IN ('inbox', 'lost', 'junk')", name="status"),
        sa.CheckConstraint("potential >= 0", name="potential"),
        sa.CheckConstraint("status = 'inbox' OR status_reason IS NOT NULL", name="reason"),
        _tenant_fk(["source"], "sources", ["key"]),
        _tenant_fk(["pipeline_id"], "pipelines", ["id"]),
        _tenant_fk(["stage_id"], "stages", ["id"]),
    )
    # Inbox/lost/junk of one owner, newest first, keyset on (created_at, id).
    op.execute("CREATE INDEX ix_leads_owner_box ON leads "
               "(tenant_id, owner_id, status, created_at DESC, id DESC)")
    # The same for callers who see the whole tenant.
    op.execute("CREATE INDEX ix_leads_box ON leads (tenant_id, status, created_at DESC, id DESC)")
    op.execute("CREATE INDEX ix_leads_sent_by ON leads USING gin (sent_by)")
    op.execute("CREATE INDEX ix_leads_search ON leads USING gin (search gin_trgm_ops)")
    op.execute("CREATE INDEX ix_leads_phone ON leads (tenant_id, phone) WHERE status = 'inbox'")
    op.execute("CREATE INDEX ix_leads_email ON leads (tenant_id, lower(email)) "
               "WHERE status = 'inbox'")
    op.execute("CREATE INDEX ix_leads_stage ON leads (tenant_id, stage_id)")
    op.create_table(
        "lead_labels",
        _uuid("tenant_id"), _uuid("lead_id"), _uuid("label_id"),
        sa.PrimaryKeyConstraint("tenant_id", "lead_id", "label_id"),
        _tenant_fk(["lead_id"], "leads", ["id"], ondelete="CASCADE"),
        _tenant_fk(["label_id"], "labels", ["id"], ondelete="CASCADE"),
    )
    op.execute("CREATE INDEX ix_lead_labels_label ON lead_labels (tenant_id, label_id)")
    op.create_table(
        "lead_history",
        _uuid("tenant_id"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        _uuid("lead_id"),
        sa.Column("kind", sa.Text, nullable=False),
        _uuid("author_id", nullable=True),
        sa.Column("channel", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("next_contact_at", sa.DateTime(timezone=True)),
        sa.Column("detail", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        _now("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        _tenant_fk(["lead_id"], "leads", ["id"]),
        sa.CheckConstraint(
            "kind IN ('followup', 'created', 'updated', 'sent', 'lost', 'junked', 'restored', "
            "'stage_changed', 'transferred')", name="kind"),
        sa.CheckConstraint(
            "channel IS NULL OR channel IN ('phone', 'email', 'line', 'meeting', 'note')",
            name="channel"),
    )
    op.execute("CREATE INDEX ix_lead_history_lead ON lead_history (tenant_id, lead_id, id)")
    op.execute("""CREATE FUNCTION lead_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'lead_history is append-only: % is refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
        END $$""")
    op.execute("CREATE TRIGGER lead_history_append_only BEFORE UPDATE OR DELETE ON lead_history "
               "FOR EACH ROW EXECUTE FUNCTION lead_history_append_only()")
    op.execute("CREATE TRIGGER lead_history_no_truncate BEFORE TRUNCATE ON lead_history "
               "FOR EACH STATEMENT EXECUTE FUNCTION lead_history_append_only()")

    for table in TENANT_TABLES:
        for stmt in enable_rls(table):
            op.execute(stmt)
    role = app_role()
    for stmt in [*grant_app_role(role), *default_grants(role)]:
        op.execute(stmt)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    op.execute("DROP FUNCTION IF EXISTS lead_history_append_only()")
    op.execute("DROP TABLE IF EXISTS processed_events, outbox CASCADE")
    op.execute("DROP FUNCTION IF EXISTS outbox_notify()")
