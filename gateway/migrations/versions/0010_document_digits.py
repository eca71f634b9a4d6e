"""Tenant setting `document_digits` (arabic | thai): the digits documents print numbers,
amounts and dates in. The documents service learns it from tenant.settings_changed.

Revision ID: 0010_document_digits
Revises: 0009_price_edit
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_document_digits"
down_revision = "0009_price_edit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tenant_settings", sa.Column("document_digits", sa.Text, nullable=False,
                                               server_default="arabic"))
    op.create_check_constraint("document_digits", "tenant_settings",
                               "document_digits IN ('arabic', 'thai')")


def downgrade() -> None:
    # The check goes with its column (its name is the naming convention's, not the one given).
    op.drop_column("tenant_settings", "document_digits")
