"""Issue 16, the rest of the deals: a deal's product lines (`deals.lines`, its amount their
sum unless typed: `amount_source`), the per-stage default probability (`stages.probability`,
one pipeline model for leads and deals) and whether the deal's own probability was typed
(`probability_typed`); a lead's product interest (`leads.product_ids`, which assignment
queues match on) and the documents service's product catalogue as this service knows it
from `product.*` events (`products`, never a read of the documents database).

Revision ID: 0017_deal_lines
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from crmkit.db import enable_rls
from crmkit.migrate import app_role

revision = "0017_deal_lines"
down_revision = "0016_capture_consent"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""ALTER TABLE stages ADD COLUMN probability smallint,
        ADD CONSTRAINT ck_stages_probability CHECK (probability BETWEEN 0 AND 100)""")
    op.execute("""ALTER TABLE deals ADD COLUMN lines jsonb NOT NULL DEFAULT '[]'::jsonb,
        ADD COLUMN amount_source text,
        ADD COLUMN probability_typed boolean NOT NULL DEFAULT false,
        ADD CONSTRAINT ck_deals_amount_source CHECK (
            amount_source IN ('typed', 'lines', 'quote')),
        ADD CONSTRAINT ck_deals_lines CHECK (jsonb_typeof(lines) = 'array')""")
    # Before 0017 every amount and probability a deal had was typed (or the lead's value).
    op.execute("UPDATE deals SET amount_source = 'typed' WHERE amount IS NOT NULL")
    op.execute("UPDATE deals SET probability_typed = true WHERE probability IS NOT NULL")
    op.execute("ALTER TABLE leads ADD COLUMN product_ids uuid[] NOT NULL DEFAULT '{}'")
    op.create_table(
        "products",
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_en", sa.Text),
        sa.Column("unit_price", sa.Numeric(14, 2), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    for stmt in enable_rls("products"):
        op.execute(stmt)
    op.execute(f"GRANT SELECT, INSERT, UPDATE ON products TO {app_role()}")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS products")
    op.execute("ALTER TABLE leads DROP COLUMN product_ids")
    op.execute("""ALTER TABLE deals DROP CONSTRAINT ck_deals_lines,
        DROP CONSTRAINT ck_deals_amount_source, DROP COLUMN probability_typed,
        DROP COLUMN amount_source, DROP COLUMN lines""")
    op.execute("ALTER TABLE stages DROP CONSTRAINT ck_stages_probability, "
               "DROP COLUMN probability")
