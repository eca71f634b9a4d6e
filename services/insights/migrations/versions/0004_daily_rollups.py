"""Coarser counters for what a year's deal report still read at the finest grain: the open
deals by expected-close month and pipeline alone (everyone's forecast, no source asked:
12 rows, not 12 × owners × sources), and the closed deals' days beside 0003's months, by
owner and status (won by user or team and the targets report; a manager's or a sales
user's by the owner's index) and by source, status and reason (everyone's lost deals and
won by month). Each kept by the consumer beside the finer ones and filled here from them;
and the owner's index of the open deals by month (a team's forecast).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from crmkit.db import enable_rls

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ["deal_open_month_pipeline", "deal_closed_daily_owner", "deal_closed_daily_source"]


def _c(name: str, kind: str = "key", *, default: str | None = None) -> sa.Column:
    """A not-null column of `kind`: uuid, date, key (text), int, amount or weighted."""
    types: dict[str, sa.types.TypeEngine] = {
        "uuid": UUID(as_uuid=True), "date": sa.Date(), "key": sa.Text(), "int": sa.Integer(),
        "amount": sa.Numeric(18, 2), "weighted": sa.Numeric(20, 4)}
    return sa.Column(name, types[kind], nullable=False, server_default=default)


def _money() -> list[sa.Column]:
    return [_c("deals", "int", default="0"), _c("amount", "amount", default="0"),
            _c("weighted", "weighted", default="0")]


def upgrade() -> None:
    op.create_table(
        "deal_open_month_pipeline", _c("tenant_id", "uuid"), _c("month", "date"),
        _c("pipeline_id", "uuid"), *_money(),
        sa.PrimaryKeyConstraint("tenant_id", "month", "pipeline_id"))
    op.create_index("ix_deal_open_month_owner", "deal_open_month",
                    ["tenant_id", "owner_id", "month"])
    op.create_table(
        "deal_closed_daily_owner", _c("tenant_id", "uuid"), _c("day", "date"),
        _c("pipeline_id", "uuid"),
        _c("owner_id", "uuid"), _c("status"), *_money(), _c("days", "int", default="0"),
        sa.PrimaryKeyConstraint("tenant_id", "day", "pipeline_id", "owner_id", "status"))
    op.create_index("ix_deal_closed_daily_owner_owner", "deal_closed_daily_owner",
                    ["tenant_id", "owner_id", "day"])
    op.create_table(
        "deal_closed_daily_source", _c("tenant_id", "uuid"), _c("day", "date"),
        _c("pipeline_id", "uuid"), _c("source", default=""), _c("status"),
        _c("reason", default=""), *_money(), _c("days", "int", default="0"),
        sa.PrimaryKeyConstraint("tenant_id", "day", "pipeline_id", "source", "status",
                                "reason"))
    for table in TABLES:
        for stmt in enable_rls(table):
            op.execute(stmt)
    op.execute(
        "INSERT INTO deal_open_month_pipeline (tenant_id, month, pipeline_id, deals, amount, "
        "weighted) SELECT tenant_id, month, pipeline_id, sum(deals), sum(amount), "
        "sum(weighted) FROM deal_open_month GROUP BY 1, 2, 3")
    op.execute(
        "INSERT INTO deal_closed_daily_owner (tenant_id, day, pipeline_id, owner_id, status, "
        "deals, amount, weighted, days) SELECT tenant_id, day, pipeline_id, owner_id, status, "
        "sum(deals), sum(amount), sum(weighted), sum(days) FROM deal_closed_daily "
        "GROUP BY 1, 2, 3, 4, 5")
    op.execute(
        "INSERT INTO deal_closed_daily_source (tenant_id, day, pipeline_id, source, status, "
        "reason, deals, amount, weighted, days) SELECT tenant_id, day, pipeline_id, source, "
        "status, reason, sum(deals), sum(amount), sum(weighted), sum(days) "
        "FROM deal_closed_daily GROUP BY 1, 2, 3, 4, 5, 6")
    # Tables made here get the application role's grants by 0001's default privileges.


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_deal_open_month_owner")
    for table in reversed(TABLES):
        op.execute(f"DROP TABLE IF EXISTS {table}")
