"""Coarser monthly counters beside 0002's, so a report reads the fewest rows that answer
it: the leads by month and source (everyone's figures: the admin's funnel and sources),
the closed deals by month, pipeline, owner and status (won by user, team or month and the
targets report, when no source is asked for), and by month, pipeline, source, status and
reason (everyone's lost deals and won by month); each kept by the consumer beside the
finer ones and filled here from them. And the owner's indexes the narrowed reports (a
manager's team, a sales user's own) read the closed deals' and activities' counters by.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from crmkit.db import enable_rls

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ["lead_monthly_source", "deal_closed_monthly_owner", "deal_closed_monthly_source"]


def _uuid(name: str) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), nullable=False)


def _n(name: str, kind: sa.types.TypeEngine | None = None) -> sa.Column:
    return sa.Column(name, kind or sa.Integer, nullable=False, server_default="0")


def _key(name: str) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=False, server_default="")


def _month() -> sa.Column:
    return sa.Column("month", sa.Date, nullable=False)


def _closed() -> list[sa.Column]:
    return [_n("deals"), _n("amount", sa.Numeric(18, 2)), _n("weighted", sa.Numeric(20, 4)),
            _n("days")]


def upgrade() -> None:
    op.create_table(
        "lead_monthly_source", _uuid("tenant_id"), _month(), _key("source"), _n("created"),
        _n("qualified"), _n("converted"),
        sa.PrimaryKeyConstraint("tenant_id", "month", "source"))
    op.create_table(
        "deal_closed_monthly_owner", _uuid("tenant_id"), _month(), _uuid("pipeline_id"),
        _uuid("owner_id"), sa.Column("status", sa.Text, nullable=False), *_closed(),
        sa.PrimaryKeyConstraint("tenant_id", "month", "pipeline_id", "owner_id", "status"))
    op.create_index("ix_deal_closed_monthly_owner_owner", "deal_closed_monthly_owner",
                    ["tenant_id", "owner_id", "month"])
    op.create_table(
        "deal_closed_monthly_source", _uuid("tenant_id"), _month(), _uuid("pipeline_id"),
        _key("source"), sa.Column("status", sa.Text, nullable=False), _key("reason"),
        *_closed(),
        sa.PrimaryKeyConstraint("tenant_id", "month", "pipeline_id", "source", "status",
                                "reason"))
    for table, period in (("deal_closed_daily", "day"), ("deal_closed_monthly", "month"),
                          ("activity_daily", "day"), ("activity_monthly", "month")):
        op.create_index(f"ix_{table}_owner", table, ["tenant_id", "owner_id", period])
    for table in TABLES:
        for stmt in enable_rls(table):
            op.execute(stmt)
    op.execute(
        "INSERT INTO lead_monthly_source (tenant_id, month, source, created, qualified, "
        "converted) SELECT tenant_id, month, source, sum(created), sum(qualified), "
        "sum(converted) FROM lead_monthly GROUP BY 1, 2, 3")
    op.execute(
        "INSERT INTO deal_closed_monthly_owner (tenant_id, month, pipeline_id, owner_id, "
        "status, deals, amount, weighted, days) SELECT tenant_id, month, pipeline_id, "
        "owner_id, status, sum(deals), sum(amount), sum(weighted), sum(days) "
        "FROM deal_closed_monthly GROUP BY 1, 2, 3, 4, 5")
    op.execute(
        "INSERT INTO deal_closed_monthly_source (tenant_id, month, pipeline_id, source, "
        "status, reason, deals, amount, weighted, days) SELECT tenant_id, month, pipeline_id, "
        "source, status, reason, sum(deals), sum(amount), sum(weighted), sum(days) "
        "FROM deal_closed_monthly GROUP BY 1, 2, 3, 4, 5, 6")
    # Tables made here get the application role's grants by 0001's default privileges.


def downgrade() -> None:
    for table in ("deal_closed_daily", "deal_closed_monthly", "activity_daily",
                  "activity_monthly"):
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_owner")
    for table in reversed(TABLES):
        op.execute(f"DROP TABLE IF EXISTS {table}")
