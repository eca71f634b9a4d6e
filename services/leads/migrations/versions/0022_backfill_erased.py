"""`backfill_tenants()`: every tenant with users here, for the accounts backfill
(`python -m tidtam_leads.accounts.backfill`), which runs as the request role and so sees
no tenant's rows without one set (RLS). Ids only, SECURITY DEFINER.

`privacy_erased` (crmkit.privacy.erased_ddl): the keyed hashes of erased people and when,
so a `lead.captured` staged before the erase but consumed after it makes no lead.

Revision ID: 0022_backfill_erased
"""

from __future__ import annotations

from alembic import op

from crmkit.migrate import app_role
from crmkit.privacy import ERASED_TABLE, erased_ddl

revision = "0022_backfill_erased"
down_revision = "0021_known_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""CREATE FUNCTION backfill_tenants() RETURNS SETOF uuid
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
            SELECT DISTINCT tenant_id FROM users ORDER BY tenant_id $$""")
    op.execute("REVOKE ALL ON FUNCTION backfill_tenants() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION backfill_tenants() TO {app_role()}")
    for stmt in erased_ddl(app_role()):
        op.execute(stmt)


def downgrade() -> None:
    op.execute(f"DROP TABLE IF EXISTS {ERASED_TABLE}")
    op.execute("DROP FUNCTION IF EXISTS backfill_tenants()")
