"""Accounts, contacts, their phone/email keys, the users projection, the tenant's plan, and
the custom fields and segments of accounts.

Every tenant table: tenant_id first in the primary key and in every foreign key, FORCE'd
row-level security, grants (not ownership) for the application role.

Revision ID: 0002_accounts
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from crmkit.custom.tables import install, uninstall
from crmkit.db import default_grants, enable_rls, grant_app_role
from crmkit.migrate import app_role
from crmkit.users import users_table_columns

revision = "0002_accounts"
down_revision = "0001"
branch_labels = None
depends_on = None

TENANT_TABLES = ["users", "tenant_plans", "accounts", "contacts", "account_keys"]


def _uuid(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False,
                     server_default=sa.func.now())


def _texts(name: str) -> sa.Column:
    return sa.Column(name, ARRAY(sa.Text), nullable=False, server_default=sa.text("'{}'"))


def upgrade() -> None:
    op.create_table("users", *users_table_columns())
    op.create_table(
        "tenant_plans",
        _uuid("tenant_id"),
        sa.Column("plan", sa.Text, nullable=False),
        sa.Column("contact_limit", sa.Integer),  # NULL: no limit
        sa.Column("contact_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("sequence", sa.BigInteger, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("tenant_id"),
        sa.CheckConstraint("contact_count >= 0", name="count"),
    )
    op.create_table(
        "accounts",
        _uuid("tenant_id"), _uuid("id"),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_en", sa.Text),
        # The name without company affixes, spaces and case (duplicates, see names.py).
        sa.Column("name_key", sa.Text, nullable=False),
        sa.Column("tax_id", sa.Text),
        sa.Column("branch", sa.Text),
        sa.Column("address", JSONB),
        sa.Column("province", sa.Text),  # address.province, for the list filter
        _texts("phones"), _texts("emails"),
        sa.Column("website", sa.Text),
        sa.Column("line_id", sa.Text),
        sa.Column("lat", sa.Float), sa.Column("lon", sa.Float),
        _uuid("owner_id"),
        sa.Column("credit_limit", sa.Numeric(14, 2)),
        sa.Column("credit_days", sa.Integer),
        sa.Column("bill_discount", JSONB),
        sa.Column("anniversaries", JSONB, nullable=False, server_default=sa.text("'[]'")),
        _texts("labels"),
        _uuid("merged_into", nullable=True),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        _now("created_at"), _now("updated_at"),
        # What `q` searches (lower-cased, phones in +66 and 0 forms): written by the service.
        sa.Column("search", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.CheckConstraint("kind IN ('company', 'person')", name="kind"),
        sa.CheckConstraint("branch IS NULL OR tax_id IS NOT NULL", name="branch"),
    )
    op.execute("CREATE INDEX ix_accounts_list ON accounts (tenant_id, created_at DESC, id DESC) "
               "WHERE merged_into IS NULL")
    op.execute("CREATE INDEX ix_accounts_owner ON accounts "
               "(tenant_id, owner_id, created_at DESC, id DESC) WHERE merged_into IS NULL")
    op.execute("CREATE INDEX ix_accounts_search ON accounts USING gin (search gin_trgm_ops)")
    op.execute("CREATE INDEX ix_accounts_name_key ON accounts USING gin (name_key gin_trgm_ops)")
    op.execute("CREATE INDEX ix_accounts_tax ON accounts (tenant_id, tax_id, branch)")
    op.execute("CREATE INDEX ix_accounts_labels ON accounts USING gin (labels)")
    op.execute("CREATE INDEX ix_accounts_province ON accounts (tenant_id, province)")
    op.create_table(
        "contacts",
        _uuid("tenant_id"), _uuid("id"), _uuid("account_id"),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("position", sa.Text),
        _texts("phones"), _texts("emails"),
        sa.Column("line_id", sa.Text),
        sa.Column("birthday", sa.Date),
        sa.Column("is_primary", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        _now("created_at"), _now("updated_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.ForeignKeyConstraint(["tenant_id", "account_id"],
                                ["accounts.tenant_id", "accounts.id"], ondelete="CASCADE"),
    )
    op.execute("CREATE INDEX ix_contacts_account ON contacts "
               "(tenant_id, account_id, created_at, id)")
    op.execute("CREATE UNIQUE INDEX uq_contacts_primary ON contacts (tenant_id, account_id) "
               "WHERE is_primary")
    # Phones and emails of accounts and their contacts, one row each: equality on a plain
    # column (leakproof, so its index serves under RLS) for duplicates and the picker.
    op.create_table(
        "account_keys",
        _uuid("tenant_id"), _uuid("account_id"), _uuid("contact_id", nullable=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.ForeignKeyConstraint(["tenant_id", "account_id"],
                                ["accounts.tenant_id", "accounts.id"], ondelete="CASCADE"),
        sa.CheckConstraint("kind IN ('phone', 'email')", name="kind"),
    )
    op.execute("CREATE INDEX ix_account_keys_value ON account_keys (tenant_id, value)")
    op.execute("CREATE INDEX ix_account_keys_account ON account_keys (tenant_id, account_id)")

    for table in TENANT_TABLES:
        for stmt in enable_rls(table):
            op.execute(stmt)
    for stmt in install(op.get_bind(), "accounts"):
        op.execute(stmt)
    role = app_role()
    for stmt in [*grant_app_role(role), *default_grants(role)]:
        op.execute(stmt)


def downgrade() -> None:
    for stmt in uninstall("accounts"):
        op.execute(stmt)
    for table in reversed(TENANT_TABLES):
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
