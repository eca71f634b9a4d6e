"""Data-subject requests (PDPA): the purge of published outbox rows and stored answers that
held an erased person (crmkit.privacy).

Revision ID: 0006
Revises: 0004
"""

from __future__ import annotations

from alembic import op

from crmkit.migrate import app_role
from crmkit.privacy import drop_privacy_ddl, privacy_ddl

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for stmt in privacy_ddl(app_role()):
        op.execute(stmt)


def downgrade() -> None:
    for stmt in drop_privacy_ddl():
        op.execute(stmt)
