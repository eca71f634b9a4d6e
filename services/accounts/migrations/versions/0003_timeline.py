"""The account timeline, a projection of other services' events (never a read of their
tables): `lead_links` (which account and contact each lead belongs to, as its latest event
said) and `timeline` (one entry per event, idempotent by event id). Entries of a lead not
yet linked keep account_id NULL until it is (a conversion then shows the lead's past).

Revision ID: 0003_timeline
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from crmkit.db import enable_rls, grant_app_role
from crmkit.migrate import app_role

revision = "0003_timeline"
down_revision = "0002_accounts"
branch_labels = None
depends_on = None


def _uuid(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "lead_links",
        _uuid("tenant_id"), _uuid("lead_id"), _uuid("account_id", nullable=True),
        _uuid("contact_id", nullable=True),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "lead_id"),
    )
    op.execute("CREATE INDEX ix_lead_links_account ON lead_links (tenant_id, account_id)")
    op.create_table(
        "timeline",
        _uuid("tenant_id"), _uuid("id"), _uuid("account_id", nullable=True),
        _uuid("lead_id", nullable=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        _uuid("event_id"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "event_id", name="uq_timeline_event"),
    )
    op.execute("CREATE INDEX ix_timeline_account ON timeline "
               "(tenant_id, account_id, at DESC, id DESC) WHERE account_id IS NOT NULL")
    op.execute("CREATE INDEX ix_timeline_lead ON timeline (tenant_id, lead_id)")
    for table in ("lead_links", "timeline"):
        for stmt in enable_rls(table):
            op.execute(stmt)
    for stmt in grant_app_role(app_role()):
        op.execute(stmt)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS timeline")
    op.execute("DROP TABLE IF EXISTS lead_links")
