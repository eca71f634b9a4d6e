"""Custom fields and segments of leads (crmkit.custom): the tables `custom_fields` and
`segments` (tenant tables under RLS) and the JSONB column `leads.custom` with its GIN index
(jsonb_path_ops, for the `cf.<key>=` list filters' containment).

Revision ID: 0003_custom
"""

from __future__ import annotations

from alembic import op

from crmkit.custom.tables import install, uninstall
from crmkit.db import grant_app_role
from crmkit.migrate import app_role

revision = "0003_custom"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for stmt in install(op.get_bind(), "leads"):
        op.execute(stmt)
    for stmt in grant_app_role(app_role()):
        op.execute(stmt)


def downgrade() -> None:
    for stmt in uninstall("leads"):
        op.execute(stmt)
