"""Assignment queues: `lead_queues`, tried in `position` order for every new lead; the
first whose `match` fits gives the lead to its next active member. `next_index` (the
round-robin pointer) lives here, so the rotation survives restarts, and the row is locked
(FOR UPDATE) while a new lead takes it, so concurrent creations share the members fairly.

Deals (in the same revision: the leads service's numbers for issue 16 are 0014–0015):
`deals` on the tenant's pipelines (the leads' own pipelines and stages, no second copy),
and `deal_history`, append-only as `lead_history` (a trigger refuses UPDATE, DELETE and
TRUNCATE): every change of stage, status, amount, owner or expected date, before → after.

Revision ID: 0015_queues
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from crmkit.db import enable_rls
from crmkit.migrate import app_role

revision = "0015_queues"
down_revision = "0014_qualify"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lead_queues",
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("match", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("members", ARRAY(UUID(as_uuid=True)), nullable=False),
        sa.Column("strategy", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("next_index", sa.Integer, nullable=False, server_default="0"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.CheckConstraint("strategy IN ('round_robin', 'least_open')", name="strategy"),
        sa.CheckConstraint("cardinality(members) BETWEEN 1 AND 100", name="members"),
        sa.CheckConstraint("next_index >= 0", name="next_index"),
    )
    op.execute("CREATE UNIQUE INDEX uq_lead_queues_name ON lead_queues "
               "(tenant_id, lower(name))")
    op.execute("CREATE INDEX ix_lead_queues_position ON lead_queues (tenant_id, position)")
    for stmt in enable_rls("lead_queues"):
        op.execute(stmt)
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON lead_queues TO {app_role()}")
    _deals()


def _deals() -> None:
    op.create_table(
        "deals",
        _uuid("tenant_id"), _uuid("id"),
        sa.Column("name", sa.Text, nullable=False),
        _uuid("account_id"), _uuid("contact_id", nullable=True), _uuid("owner_id"),
        _uuid("pipeline_id"), _uuid("stage_id"),
        sa.Column("amount", sa.Numeric(14, 2)),
        sa.Column("expected_close", sa.Date),
        sa.Column("probability", sa.SmallInteger),
        sa.Column("status", sa.Text, nullable=False, server_default="open"),
        sa.Column("lost_reason", sa.Text),
        sa.Column("closed_on", sa.Date),
        _uuid("lead_id", nullable=True),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        _now("created_at"), _now("updated_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.CheckConstraint("status IN ('open', 'won', 'lost')", name="status"),
        sa.CheckConstraint("amount >= 0", name="amount"),
        sa.CheckConstraint("probability BETWEEN 0 AND 100", name="probability"),
        sa.CheckConstraint("(status = 'lost') = (lost_reason IS NOT NULL)", name="lost_reason"),
        sa.CheckConstraint("(status = 'open') = (closed_on IS NULL)", name="closed_on"),
        sa.ForeignKeyConstraint(["tenant_id", "pipeline_id"],
                                ["pipelines.tenant_id", "pipelines.id"]),
        sa.ForeignKeyConstraint(["tenant_id", "stage_id"], ["stages.tenant_id", "stages.id"]),
    )
    op.execute("CREATE INDEX ix_deals_owner ON deals (tenant_id, owner_id, created_at DESC, "
               "id DESC)")
    op.execute("CREATE INDEX ix_deals_created ON deals (tenant_id, created_at DESC, id DESC)")
    op.execute("CREATE INDEX ix_deals_stage ON deals (tenant_id, stage_id)")
    op.execute("CREATE INDEX ix_deals_account ON deals (tenant_id, account_id)")
    op.create_table(
        "deal_history",
        _uuid("tenant_id"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        _uuid("deal_id"),
        sa.Column("kind", sa.Text, nullable=False),
        _uuid("author_id", nullable=True),
        sa.Column("changes", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("note", sa.Text),
        _now("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.ForeignKeyConstraint(["tenant_id", "deal_id"], ["deals.tenant_id", "deals.id"]),
        sa.CheckConstraint("kind IN ('created', 'updated', 'stage_changed', 'won', 'lost', "
                           "'reopened')", name="kind"),
    )
    op.execute("CREATE INDEX ix_deal_history_deal ON deal_history (tenant_id, deal_id, id)")
    op.execute("""CREATE FUNCTION deal_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'deal_history is append-only: % is refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
        END $$""")
    op.execute("CREATE TRIGGER deal_history_append_only BEFORE UPDATE OR DELETE ON deal_history "
               "FOR EACH ROW EXECUTE FUNCTION deal_history_append_only()")
    op.execute("CREATE TRIGGER deal_history_no_truncate BEFORE TRUNCATE ON deal_history "
               "FOR EACH STATEMENT EXECUTE FUNCTION deal_history_append_only()")
    for table in ("deals", "deal_history"):
        for stmt in enable_rls(table):
            op.execute(stmt)
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON deals TO {app_role()}")
    op.execute(f"GRANT SELECT, INSERT ON deal_history TO {app_role()}")


def _uuid(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False,
                     server_default=sa.func.now())


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS deal_history, deals CASCADE")
    op.execute("DROP FUNCTION IF EXISTS deal_history_append_only()")
    op.execute("DROP TABLE IF EXISTS lead_queues CASCADE")
