"""The insights service: the kit's tables (outbox with its relay role, processed events,
idempotency keys), the users projection, the set-up it names things by (time zone, teams,
pipelines, stages), the read model (lead, deal and activity facts, the leads' daily
counters) and sales targets; every tenant table under FORCE'd RLS.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

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

TENANT_TABLES = ["tenant_settings", "users", "teams", "pipelines", "stages", "lead_facts",
                 "lead_daily", "deal_facts", "activity_facts", "targets"]


def _uuid(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _text(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=nullable)


def _int(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer, nullable=False, server_default="0")


def _at(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False,
                     server_default=sa.func.now())


def _deleted() -> sa.Column:
    return sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false())


def upgrade() -> None:
    bind = op.get_bind()
    for table in kit_tables(sa.MetaData()):
        table.create(bind)
    for stmt in notify_trigger_ddl():
        op.execute(stmt)

    op.create_table("users", *users_table_columns())
    op.create_index("ix_users_team", "users", ["tenant_id", "team_id"])
    op.create_table("tenant_settings", _uuid("tenant_id"), _text("time_zone"),
                    sa.Column("sequence", sa.BigInteger, nullable=False),
                    sa.PrimaryKeyConstraint("tenant_id"))
    op.create_table("teams", _uuid("tenant_id"), _uuid("id"), _text("name"), _deleted(),
                    sa.PrimaryKeyConstraint("tenant_id", "id"))
    op.create_table("pipelines", _uuid("tenant_id"), _uuid("id"), _text("name"),
                    sa.Column("is_standard", sa.Boolean, nullable=False), _deleted(),
                    _int("version"), sa.PrimaryKeyConstraint("tenant_id", "id"))
    op.create_table("stages", _uuid("tenant_id"), _uuid("id"), _uuid("pipeline_id"),
                    _text("name"), _int("position"), _deleted(),
                    sa.PrimaryKeyConstraint("tenant_id", "id"))

    op.create_table(
        "lead_facts", _uuid("tenant_id"), _uuid("id"), _uuid("owner_id"), _text("source"),
        _at("created_at"), sa.Column("created_day", sa.Date, nullable=False),
        sa.Column("qualified", sa.Boolean, nullable=False),
        sa.Column("converted", sa.Boolean, nullable=False), _int("version"),
        sa.PrimaryKeyConstraint("tenant_id", "id"))
    op.create_table(
        "lead_daily", _uuid("tenant_id"), sa.Column("day", sa.Date, nullable=False),
        _uuid("owner_id"), _text("source"), _int("created"), _int("qualified"),
        _int("converted"),
        sa.PrimaryKeyConstraint("tenant_id", "day", "owner_id", "source"))
    op.create_index("ix_lead_daily_owner", "lead_daily", ["tenant_id", "owner_id", "day"])

    op.create_table(
        "deal_facts", _uuid("tenant_id"), _uuid("id"), _uuid("owner_id"),
        _uuid("pipeline_id"), _uuid("stage_id"), sa.Column("amount", sa.Numeric(14, 2)),
        sa.Column("probability", sa.SmallInteger), sa.Column("expected_close", sa.Date),
        _text("status"), _text("lost_reason", True), sa.Column("closed_on", sa.Date),
        _at("created_at"), sa.Column("created_day", sa.Date, nullable=False),
        _uuid("lead_id", True), _text("source", True), _int("version"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.CheckConstraint("status IN ('open', 'won', 'lost')", name="status"))
    # The pipeline by stage and the forecast read open deals; won/lost/targets closed ones
    # by the day they closed; each with the owner for a sales user's or a team's own.
    op.create_index("ix_deal_facts_open", "deal_facts",
                    ["tenant_id", "pipeline_id", "stage_id"],
                    postgresql_where=sa.text("status = 'open'"),
                    postgresql_include=["owner_id", "amount", "probability", "source"])
    op.create_index("ix_deal_facts_expected", "deal_facts",
                    ["tenant_id", "expected_close"], postgresql_where=sa.text("status = 'open'"),
                    postgresql_include=["owner_id", "amount", "probability", "source"])
    op.create_index("ix_deal_facts_closed", "deal_facts", ["tenant_id", "closed_on"],
                    postgresql_where=sa.text("status <> 'open'"),
                    postgresql_include=["owner_id", "status", "amount", "created_day",
                                        "lost_reason", "source"])
    op.create_index("ix_deal_facts_owner_closed", "deal_facts",
                    ["tenant_id", "owner_id", "closed_on"],
                    postgresql_where=sa.text("status <> 'open'"))
    op.create_index("ix_deal_facts_owner_open", "deal_facts",
                    ["tenant_id", "owner_id", "pipeline_id"],
                    postgresql_where=sa.text("status = 'open'"))
    op.create_index("ix_deal_facts_lead", "deal_facts", ["tenant_id", "lead_id"],
                    postgresql_where=sa.text("lead_id IS NOT NULL"))

    op.create_table(
        "activity_facts", _uuid("tenant_id"), _uuid("id"), _uuid("owner_id"), _text("kind"),
        _text("status"), _at("created_at"), sa.Column("created_day", sa.Date, nullable=False),
        _int("version"), sa.PrimaryKeyConstraint("tenant_id", "id"))
    op.create_index("ix_activity_facts_day", "activity_facts",
                    ["tenant_id", "created_day"], postgresql_include=["owner_id", "kind"])
    op.create_index("ix_activity_facts_owner", "activity_facts",
                    ["tenant_id", "owner_id", "created_day"])

    op.create_table(
        "targets", _uuid("tenant_id"), _uuid("user_id"), _text("month"),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False), _at("updated_at"),
        sa.PrimaryKeyConstraint("tenant_id", "user_id", "month"),
        sa.CheckConstraint("month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'", name="month"),
        sa.CheckConstraint("amount >= 0", name="amount"))
    op.create_index("ix_targets_month", "targets", ["tenant_id", "month"])

    for table in TENANT_TABLES:
        for stmt in enable_rls(table):
            op.execute(stmt)
    for stmt in [*grant_app_role(app_role()), *default_grants(app_role())]:
        op.execute(stmt)
    create_idempotency_keys(bind, app_role())
    _outbox_up()
    _relay_housekeeping()


def downgrade() -> None:
    _outbox_down()
    for table in ["idempotency_keys", *reversed(TENANT_TABLES), "processed_events", "outbox"]:
        op.execute(f"DROP TABLE IF EXISTS {table}")
    op.execute("DROP FUNCTION IF EXISTS outbox_notify()")
