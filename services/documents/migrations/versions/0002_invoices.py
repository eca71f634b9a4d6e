"""Invoices (ใบแจ้งหนี้, series IV) from quotes; tax invoices from an invoice
(`tax_invoices.invoice_id`); credit notes (ใบลดหนี้, series CN) referencing an issued tax
invoice, frozen like tax invoices by a trigger. Every table under FORCE'd RLS.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from crmkit.db import enable_rls

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _uuid(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "invoices",
        _uuid("tenant_id"), _uuid("id"),
        sa.Column("number", sa.Text, nullable=False),
        _uuid("quote_id"), _uuid("lead_id", nullable=True), _uuid("account_id", nullable=True),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("credit_days", sa.Integer, nullable=False),
        sa.Column("customer", JSONB, nullable=False),
        sa.Column("content", JSONB, nullable=False),
        _uuid("tax_invoice_id", nullable=True),
        _uuid("created_by"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "number"),
        sa.UniqueConstraint("tenant_id", "quote_id"),
        sa.ForeignKeyConstraint(["tenant_id", "quote_id"], ["quotes.tenant_id", "quotes.id"]),
        sa.CheckConstraint("due_date >= issue_date", name="due_date"),
    )
    op.create_index("ix_invoices_page", "invoices",
                    ["tenant_id", sa.text("created_at DESC"), sa.text("id DESC")])
    op.add_column("tax_invoices", _uuid("invoice_id", nullable=True))
    op.create_unique_constraint("uq_tax_invoices_invoice", "tax_invoices",
                                ["tenant_id", "invoice_id"])
    op.create_foreign_key("fk_tax_invoices_invoice", "tax_invoices", "invoices",
                          ["tenant_id", "invoice_id"], ["tenant_id", "id"])
    op.create_table(
        "credit_notes",
        _uuid("tenant_id"), _uuid("id"),
        sa.Column("number", sa.Text, nullable=False),
        _uuid("tax_invoice_id"),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("seller", JSONB, nullable=False),
        sa.Column("buyer", JSONB, nullable=False),
        sa.Column("content", JSONB, nullable=False),
        sa.Column("difference", sa.Numeric(14, 2), nullable=False),
        _uuid("created_by"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "number"),
        sa.ForeignKeyConstraint(["tenant_id", "tax_invoice_id"],
                                ["tax_invoices.tenant_id", "tax_invoices.id"]),
        sa.CheckConstraint("difference > 0", name="difference"),
    )
    op.create_index("ix_credit_notes_tax_invoice", "credit_notes",
                    ["tenant_id", "tax_invoice_id"])
    # A credit note is a tax document too: it never changes once issued.
    op.execute("CREATE TRIGGER credit_notes_frozen BEFORE UPDATE OR DELETE ON credit_notes "
               "FOR EACH ROW EXECUTE FUNCTION tax_invoices_frozen()")
    for table in ("invoices", "credit_notes"):
        for stmt in enable_rls(table):
            op.execute(stmt)
    # The application role's grants on the new tables come from 0001's default privileges
    # (a GRANT ON ALL TABLES here would hand it the outbox back).


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS credit_notes")
    op.drop_constraint("fk_tax_invoices_invoice", "tax_invoices")
    op.drop_constraint("uq_tax_invoices_invoice", "tax_invoices")
    op.drop_column("tax_invoices", "invoice_id")
    op.execute("DROP TABLE IF EXISTS invoices")
