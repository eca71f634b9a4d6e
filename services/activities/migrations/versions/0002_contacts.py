"""What the activities service knows of contacts (from `contact.*`, never reading the
accounts service's tables): which account each belongs to, so an activity's `contact_id`
must be one of its `account_id`.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from crmkit.db import enable_rls
from crmkit.migrate import app_role

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _uuid(name: str) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "contact_records",
        _uuid("tenant_id"), _uuid("id"), _uuid("account_id"),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index("ix_contact_records_account", "contact_records", ["tenant_id", "account_id"])
    for stmt in enable_rls("contact_records"):
        op.execute(stmt)
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON contact_records TO {app_role()}")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS contact_records")
