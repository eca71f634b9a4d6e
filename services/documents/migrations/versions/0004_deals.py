"""Quotes for a deal (issue 16): `quotes.deal_id` (optional), and `deals`, what this service
knows of the leads service's deals from their `deal.*` events (who owns it, its account and
lead): enough to check a quote's deal and who may name it. Accepted, a quote with a deal
says so in `quote.accepted` and the leads service sets the deal's amount.

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


def _uuid(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "deals",
        _uuid("tenant_id"), _uuid("id"), _uuid("owner_id"), _uuid("account_id"),
        _uuid("lead_id", nullable=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    for stmt in enable_rls("deals"):
        op.execute(stmt)
    # The application role's grants come from 0001's default privileges.
    op.add_column("quotes", _uuid("deal_id", nullable=True))
    op.execute("CREATE INDEX ix_quotes_deal ON quotes (tenant_id, deal_id) "
               "WHERE deal_id IS NOT NULL")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_quotes_deal")
    op.drop_column("quotes", "deal_id")
    op.execute("DROP TABLE IF EXISTS deals")
