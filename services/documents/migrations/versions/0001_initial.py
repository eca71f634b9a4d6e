"""The documents service: the kit's tables (outbox with its relay role, processed events,
idempotency keys), the users, leads and accounts projections (who may see a document),
the product catalogue, number counters and quotations; every tenant table under FORCE'd
RLS.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from crmkit.db import default_grants, enable_rls, grant_app_role
from crmkit.migrate import app_role
from crmkit.migrate import downgrade_outbox_roles as _outbox_down
from crmkit.migrate import upgrade_outbox_roles as _outbox_up
from crmkit.migrate import upgrade_relay_housekeeping as _relay_housekeeping
from crmkit.schema import create_idempotency_keys, kit_tables, notify_trigger_ddl
from crmkit.users import users_table_columns

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TENANT_TABLES = ["users", "products", "leads", "accounts", "number_counters", "quotes",
                 "pdf_files", "company_profiles", "tax_invoices", "document_profiles"]
VAT_TYPES = "('vat7', 'zero', 'exempt')"


def _uuid(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False,
                     server_default=sa.func.now())


def upgrade() -> None:
    bind = op.get_bind()
    for table in kit_tables(sa.MetaData()):
        table.create(bind)
    for stmt in notify_trigger_ddl():
        op.execute(stmt)

    op.create_table("users", *users_table_columns())
    op.create_table(
        "products",
        _uuid("tenant_id"), _uuid("id"),
        sa.Column("sku", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_en", sa.Text),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("unit_price", sa.Numeric(14, 2), nullable=False),
        sa.Column("vat_type", sa.Text, nullable=False, server_default="vat7"),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        _now("created_at"), _now("updated_at"),
        sa.CheckConstraint(f"vat_type IN {VAT_TYPES}", name="vat_type"),
        sa.CheckConstraint("unit_price >= 0", name="unit_price"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    # SKUs are unique per tenant, whatever their case ("ab-1" and "AB-1" are one SKU).
    op.create_index("uq_products_sku", "products", ["tenant_id", sa.text("lower(sku)")],
                    unique=True)
    op.create_index("ix_products_page", "products",
                    ["tenant_id", sa.text("created_at DESC"), sa.text("id DESC")])

    op.create_table(
        "leads",
        _uuid("tenant_id"), _uuid("id"), _uuid("owner_id"),
        sa.Column("sent_by", ARRAY(UUID(as_uuid=True)), nullable=False, server_default="{}"),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("company", sa.Text),
        sa.Column("email", sa.Text),
        _uuid("account_id", nullable=True),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index("ix_leads_account", "leads", ["tenant_id", "account_id"])
    op.create_table(
        "accounts",
        _uuid("tenant_id"), _uuid("id"), _uuid("owner_id"),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_en", sa.Text),
        sa.Column("tax_id", sa.Text),
        sa.Column("branch_label", sa.Text),
        sa.Column("address", JSONB),
        sa.Column("credit_days", sa.Integer),
        sa.Column("bill_discount", JSONB),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_table(
        "number_counters",
        _uuid("tenant_id"),
        sa.Column("series", sa.Text, nullable=False),
        sa.Column("year_be", sa.Integer, nullable=False),
        sa.Column("last", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "series", "year_be"),
    )
    money = [sa.Column(name, sa.Numeric(14, 2), nullable=False) for name in (
        "subtotal", "bill_discount", "before_vat", "vat", "grand_total", "wht", "net_payable")]
    op.create_table(
        "quotes",
        _uuid("tenant_id"), _uuid("id"),
        sa.Column("number", sa.Text),
        sa.Column("base_number", sa.Text),
        sa.Column("revision", sa.Integer, nullable=False, server_default="0"),
        _uuid("previous_id", nullable=True), _uuid("superseded_by", nullable=True),
        _uuid("lead_id", nullable=True), _uuid("account_id", nullable=True),
        _uuid("contact_id", nullable=True),
        sa.Column("status", sa.Text, nullable=False, server_default="draft"),
        sa.Column("issue_date", sa.Date), sa.Column("valid_until", sa.Date),
        sa.Column("notes", sa.Text),
        sa.Column("lines", JSONB, nullable=False, server_default="[]"),
        sa.Column("bill_discount_percent", sa.Numeric(5, 2)),
        sa.Column("bill_discount_amount", sa.Numeric(14, 2)),
        sa.Column("wht_rate", sa.Numeric(4, 2)),
        sa.Column("vat_rate", sa.Numeric(4, 2), nullable=False),
        *money,
        _uuid("created_by"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        _now("created_at"), _now("updated_at"),
        sa.CheckConstraint("status IN ('draft', 'sent', 'accepted', 'rejected')",
                           name="status"),
        sa.CheckConstraint("(lead_id IS NULL) <> (account_id IS NULL)", name="one_party"),
        sa.CheckConstraint("status = 'draft' OR number IS NOT NULL", name="issued_number"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.ForeignKeyConstraint(["tenant_id", "previous_id"], ["quotes.tenant_id", "quotes.id"]),
    )
    # A number is never given twice in a tenant (the counter's promise, kept by the table).
    op.create_index("uq_quotes_number", "quotes", ["tenant_id", "number"], unique=True,
                    postgresql_where=sa.text("number IS NOT NULL"))
    op.create_index("ix_quotes_page", "quotes",
                    ["tenant_id", sa.text("created_at DESC"), sa.text("id DESC")])
    op.create_index("ix_quotes_lead", "quotes", ["tenant_id", "lead_id"])
    op.create_index("ix_quotes_account", "quotes", ["tenant_id", "account_id"])

    op.create_table(
        "pdf_files",
        _uuid("tenant_id"),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        _now("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "key"),
    )
    op.create_table(
        "company_profiles",
        _uuid("tenant_id"),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_en", sa.Text),
        sa.Column("tax_id", sa.Text, nullable=False),
        sa.Column("branch", sa.Text, nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("phone", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("tenant_id"),
    )
    op.create_table(
        "tax_invoices",
        _uuid("tenant_id"), _uuid("id"),
        sa.Column("number", sa.Text, nullable=False),
        _uuid("quote_id"),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("seller", JSONB, nullable=False),
        sa.Column("buyer", JSONB, nullable=False),
        sa.Column("content", JSONB, nullable=False),
        _uuid("created_by"),
        _now("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "number"),
        sa.UniqueConstraint("tenant_id", "quote_id"),
        sa.ForeignKeyConstraint(["tenant_id", "quote_id"], ["quotes.tenant_id", "quotes.id"]),
    )
    op.create_table(
        "document_profiles",
        _uuid("tenant_id"), _uuid("user_id"),
        sa.Column("position", sa.Text), sa.Column("phone", sa.Text), sa.Column("email", sa.Text),
        sa.Column("signature", sa.LargeBinary),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("tenant_id", "user_id"),
    )
    # An issued tax invoice never changes (Revenue Code): the database itself refuses it.
    op.execute("""CREATE FUNCTION tax_invoices_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'an issued tax invoice never changes; issue a credit note'
        USING ERRCODE = 'restrict_violation'; END $$""")
    op.execute("CREATE TRIGGER tax_invoices_frozen BEFORE UPDATE OR DELETE ON tax_invoices "
               "FOR EACH ROW EXECUTE FUNCTION tax_invoices_frozen()")

    for table in TENANT_TABLES:
        for stmt in enable_rls(table):
            op.execute(stmt)
    for stmt in [*grant_app_role(app_role()), *default_grants(app_role())]:
        op.execute(stmt)
    create_idempotency_keys(bind, app_role())
    _outbox_up()
    _relay_housekeeping()


def downgrade() -> None:
    _outbox_down()
    for table in ["idempotency_keys", *reversed(TENANT_TABLES), "processed_events", "outbox"]:
        op.execute(f"DROP TABLE IF EXISTS {table}")
    op.execute("DROP FUNCTION IF EXISTS outbox_notify()")
    op.execute("DROP FUNCTION IF EXISTS tax_invoices_frozen()")
