"""A form's products (`forms.product_ids`): the catalogue products its leads are
interested in (the lead is created with them, so queue conditions on products match), and
the catalogue as this service knows it from `product.*` events (`products`: id, active,
version), to check what a form names.

Revision ID: 0007
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from crmkit.db import enable_rls
from crmkit.migrate import app_role

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE forms ADD COLUMN product_ids uuid[] NOT NULL DEFAULT '{}'")
    op.create_table(
        "products",
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    for stmt in enable_rls("products"):
        op.execute(stmt)
    op.execute(f"GRANT SELECT, INSERT, UPDATE ON products TO {app_role()}")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS products")
    op.execute("ALTER TABLE forms DROP COLUMN product_ids")
