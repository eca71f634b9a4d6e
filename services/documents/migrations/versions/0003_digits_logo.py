"""The tenant's document digits (from tenant.settings_changed) and the company logo.

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


def upgrade() -> None:
    op.create_table(
        "tenant_settings",
        sa.Column("tenant_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("document_digits", sa.Text, nullable=False, server_default="arabic"),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.CheckConstraint("document_digits IN ('arabic', 'thai')", name="document_digits"),
    )
    for stmt in enable_rls("tenant_settings"):
        op.execute(stmt)
    # A PNG re-encoded from the upload (pdf/images.py), printed on quotations.
    op.add_column("company_profiles", sa.Column("logo", sa.LargeBinary))


def downgrade() -> None:
    op.drop_column("company_profiles", "logo")
    op.execute("DROP TABLE IF EXISTS tenant_settings")
