"""The accounts service's accounts and contacts as the leads service knows them from
`account.*` / `contact.*` events (`known_accounts`: owner, deleted; `known_contacts`: the
account each is of), so a deal's `account_id` / `contact_id` are checked without a read of
the accounts database or a call per request. Idempotent by the event's `sequence`.

And `products.sku`: the product's code, so an import's products column may name products by
code as well as by name (known for a product once its next `product.*` event arrives).

Revision ID: 0021_known_accounts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from crmkit.db import enable_rls
from crmkit.migrate import app_role

revision = "0021_known_accounts"
down_revision = "0019_consent_change"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "known_accounts",
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("owner_id", UUID(as_uuid=True), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_table(
        "known_contacts",
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("account_id", UUID(as_uuid=True), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    # A merge moves the contacts of the merged account: found by account.
    op.create_index("ix_known_contacts_account", "known_contacts", ["tenant_id", "account_id"])
    op.execute("ALTER TABLE products ADD COLUMN sku text")
    for table in ("known_accounts", "known_contacts"):
        for stmt in enable_rls(table):
            op.execute(stmt)
        op.execute(f"GRANT SELECT, INSERT, UPDATE ON {table} TO {app_role()}")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS known_contacts")
    op.execute("DROP TABLE IF EXISTS known_accounts")
    op.execute("ALTER TABLE products DROP COLUMN IF EXISTS sku")
