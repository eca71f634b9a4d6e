"""The read model's counters beside its facts, kept by the consumer as each fact changes
(moved by the difference between the old and the new fact): the leads' by month (beside
lead_daily), open deals by stage and by expected-close month, closed deals by day and by
month (status and reason); all by owner and source; activities by day and by month, owner
and kind. A report over a year of a million
leads or two hundred thousand deals adds up thousands of rows, not the facts.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from crmkit.db import enable_rls

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = ["lead_monthly", "deal_open_stage", "deal_open_month", "deal_closed_daily",
          "deal_closed_monthly", "activity_daily", "activity_monthly"]


def _uuid(name: str) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), nullable=False)


def _n(name: str, kind: sa.types.TypeEngine | None = None) -> sa.Column:
    return sa.Column(name, kind or sa.Integer, nullable=False, server_default="0")


def _key(name: str) -> sa.Column:
    """A text key that is '' for none (a key column cannot be null)."""
    return sa.Column(name, sa.Text, nullable=False, server_default="")


def _money() -> list[sa.Column]:
    return [_n("deals"), _n("amount", sa.Numeric(18, 2)), _n("weighted", sa.Numeric(20, 4))]


def upgrade() -> None:
    op.create_table(
        "lead_monthly", _uuid("tenant_id"), sa.Column("month", sa.Date, nullable=False),
        _uuid("owner_id"), _key("source"), _n("created"), _n("qualified"), _n("converted"),
        sa.PrimaryKeyConstraint("tenant_id", "month", "owner_id", "source"))
    op.create_index("ix_lead_monthly_owner", "lead_monthly", ["tenant_id", "owner_id", "month"])
    op.create_table(
        "deal_open_stage", _uuid("tenant_id"), _uuid("pipeline_id"), _uuid("stage_id"),
        _uuid("owner_id"), _key("source"), *_money(),
        sa.PrimaryKeyConstraint("tenant_id", "pipeline_id", "stage_id", "owner_id", "source"))
    op.create_table(
        "deal_open_month", _uuid("tenant_id"), sa.Column("month", sa.Date, nullable=False),
        _uuid("pipeline_id"), _uuid("owner_id"), _key("source"), *_money(),
        sa.PrimaryKeyConstraint("tenant_id", "month", "pipeline_id", "owner_id", "source"))
    for table, period in (("deal_closed_daily", "day"), ("deal_closed_monthly", "month")):
        op.create_table(
            table, _uuid("tenant_id"), sa.Column(period, sa.Date, nullable=False),
            _uuid("pipeline_id"), _uuid("owner_id"), _key("source"),
            sa.Column("status", sa.Text, nullable=False), _key("reason"), *_money(),
            _n("days"),
            sa.PrimaryKeyConstraint("tenant_id", period, "pipeline_id", "owner_id", "source",
                                    "status", "reason"))
    # Activities and check-ins not cancelled, by the day (month) they were made and kind.
    for table, period in (("activity_daily", "day"), ("activity_monthly", "month")):
        op.create_table(
            table, _uuid("tenant_id"), sa.Column(period, sa.Date, nullable=False),
            _uuid("owner_id"), sa.Column("kind", sa.Text, nullable=False), _n("n"),
            sa.PrimaryKeyConstraint("tenant_id", period, "owner_id", "kind"))
    for table in TABLES:
        for stmt in enable_rls(table):
            op.execute(stmt)
    # Tables made here get the application role's grants by 0001's default privileges.


def downgrade() -> None:
    for table in reversed(TABLES):
        op.execute(f"DROP TABLE IF EXISTS {table}")
