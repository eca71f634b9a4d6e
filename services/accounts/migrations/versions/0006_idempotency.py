"""`idempotency_keys`: the first answer to each `Idempotency-Key` (crmkit.idempotency), per
tenant under RLS, and the function housekeeping expires them with.

Revision ID: 0006_idempotency
"""

from alembic import op

from crmkit.migrate import app_role
from crmkit.schema import create_idempotency_keys, drop_idempotency_keys

revision = "0006_idempotency"
down_revision = "0005_search_page"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_idempotency_keys(op.get_bind(), app_role())


def downgrade() -> None:
    drop_idempotency_keys(op.get_bind())
