"""The kit's tables (outbox, processed_events) and the extensions the accounts service uses.

The domains add their tables in later revisions, each depending on this one; the kit
upgrades to every head (`alembic upgrade heads`).

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

from crmkit.db import grant_app_role
from crmkit.migrate import app_role
from crmkit.schema import kit_tables, notify_trigger_ddl

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    kit = sa.MetaData()
    for table in kit_tables(kit):
        table.create(op.get_bind())
    for stmt in notify_trigger_ddl():
        op.execute(stmt)
    for stmt in grant_app_role(app_role()):
        op.execute(stmt)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS processed_events")
    op.execute("DROP TABLE IF EXISTS outbox")
