"""Facebook Lead Ads: a tenant's page (app secret, page token and verify token sealed), its
field mapping, and the `leadgen_id`s taken (a repeated one makes nothing). Email-to-lead: a
tenant's inbound address (signing secret sealed) and the messages taken.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from crmkit.db import enable_rls
from crmkit.migrate import app_role

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = ["facebook_pages", "facebook_leads", "email_inboxes", "email_messages"]


def _uuid(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False,
                     server_default=sa.func.now())


def upgrade() -> None:
    op.create_table(
        "facebook_pages",
        _uuid("tenant_id"),
        sa.Column("page_id", sa.Text, nullable=False),
        sa.Column("secret_sealed", sa.Text, nullable=False),
        sa.Column("token_sealed", sa.Text, nullable=False),
        sa.Column("verify_sealed", sa.Text, nullable=False),
        sa.Column("webhook_key", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        _uuid("owner_id", True),
        sa.Column("mapping", JSONB, nullable=False),
        _now("created_at"), _now("updated_at"),
        sa.PrimaryKeyConstraint("tenant_id"),
    )
    op.create_table(
        "facebook_leads",
        _uuid("tenant_id"), sa.Column("leadgen_id", sa.Text, nullable=False),
        _now("received_at"),
        sa.PrimaryKeyConstraint("tenant_id", "leadgen_id"),
    )
    op.create_table(
        "email_inboxes",
        _uuid("tenant_id"),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("secret_sealed", sa.Text, nullable=False),
        sa.Column("webhook_key", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        _uuid("owner_id", True),
        _now("created_at"), _now("updated_at"),
        sa.PrimaryKeyConstraint("tenant_id"),
    )
    op.create_table(
        "email_messages",
        _uuid("tenant_id"), sa.Column("message_key", sa.Text, nullable=False),
        _now("received_at"),
        sa.PrimaryKeyConstraint("tenant_id", "message_key"),
    )
    for table in TABLES:
        for stmt in enable_rls(table):
            op.execute(stmt)
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {app_role()}")


def downgrade() -> None:
    for table in reversed(TABLES):
        op.execute(f"DROP TABLE IF EXISTS {table}")
