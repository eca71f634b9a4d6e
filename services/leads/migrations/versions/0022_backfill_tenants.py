"""`backfill_tenants()`: every tenant with users here, for the accounts backfill
(`python -m tidtam_leads.accounts.backfill`), which runs as the request role and so sees
no tenant's rows without one set (RLS). Ids only, SECURITY DEFINER.

Revision ID: 0022_backfill_tenants
"""

from __future__ import annotations

from alembic import op

from crmkit.migrate import app_role

revision = "0022_backfill_tenants"
down_revision = "0021_known_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""CREATE FUNCTION backfill_tenants() RETURNS SETOF uuid
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
            SELECT DISTINCT tenant_id FROM users ORDER BY tenant_id $$""")
    op.execute("REVOKE ALL ON FUNCTION backfill_tenants() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION backfill_tenants() TO {app_role()}")


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS backfill_tenants()")
