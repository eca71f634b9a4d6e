"""Import and export jobs (crmkit.sheets): `import_jobs` and `export_jobs`, tenant tables
under RLS.

Revision ID: 0010_sheets
"""

from __future__ import annotations

from alembic import op

from crmkit.migrate import app_role
from crmkit.sheets.tables import install, uninstall

revision = "0010_sheets"
down_revision = "0009_setup_changes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for stmt in install(op.get_bind()):
        op.execute(stmt)
    # The two new tables only: a grant ON ALL TABLES would hand the request role the
    # outbox's SELECT/UPDATE/DELETE back (crmkit.db.outbox_grants allows it INSERT only).
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON import_jobs, export_jobs "
               f"TO {app_role()}")


def downgrade() -> None:
    for stmt in uninstall():
        op.execute(stmt)
