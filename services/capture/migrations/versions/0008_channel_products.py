"""The channels' products (`product_ids` on the LINE, Facebook and email settings): the
catalogue products their leads are interested in, as a form's (0007), so their leads are
created with them and queue conditions on products match. And the products' names (Thai,
English) in this service's projection of the catalogue, so the admin screens' picker lists
what this service knows (GET /api/v1/capture/products), the documents service or not.

Revision ID: 0008
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLES = ("line_channels", "facebook_pages", "email_inboxes")


def upgrade() -> None:
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ADD COLUMN product_ids uuid[] NOT NULL DEFAULT '{{}}'")
    op.execute("ALTER TABLE products ADD COLUMN name text, ADD COLUMN name_en text")


def downgrade() -> None:
    op.execute("ALTER TABLE products DROP COLUMN name, DROP COLUMN name_en")
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} DROP COLUMN product_ids")
