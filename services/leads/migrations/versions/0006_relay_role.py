"""The outbox's own role: the request role may only INSERT into `outbox` (it sits outside
RLS so the relay can read across tenants, and its rows carry personal data); the relay role
(crmkit.migrate creates it) reads, marks and deletes them. See crmkit.db.outbox_grants.

Revision ID: 0006_relay_role
"""

from alembic import op

from crmkit.db import outbox_grants, outbox_grants_undone
from crmkit.migrate import app_role, relay_role

revision = "0006_relay_role"
down_revision = "0005_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for stmt in outbox_grants(app_role(), relay_role()):
        op.execute(stmt)


def downgrade() -> None:
    for stmt in outbox_grants_undone(app_role(), relay_role()):
        op.execute(stmt)
