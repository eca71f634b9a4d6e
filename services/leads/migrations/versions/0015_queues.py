"""Assignment queues: `lead_queues`, tried in `position` order for every new lead; the
first whose `match` fits gives the lead to its next active member. `next_index` (the
round-robin pointer) lives here, so the rotation survives restarts, and the row is locked
(FOR UPDATE) while a new lead takes it, so concurrent creations share the members fairly.

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


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS lead_queues CASCADE")
